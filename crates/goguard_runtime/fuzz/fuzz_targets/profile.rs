//! `profile::read_profile` and what reads a decoded profile, on arbitrary input: never a
//! panic; an error always says what is wrong; a profile always adds up.
#![no_main]

use goguard_runtime::profile::filter::Filter;
use goguard_runtime::profile::growth::{check_heap, growth, Options};
use goguard_runtime::profile::read_profile;
use goguard_runtime::profile::top::{top, Granularity, Input, Sort};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let p = match read_profile(data) {
        Ok(p) => p,
        Err(e) => {
            assert!(!e.message.is_empty());
            return;
        }
    };
    let value = p.default_index();
    let t = top(
        &[Input {
            profile: &p,
            value,
            base: false,
        }],
        Granularity::Lines,
        &Filter::default(),
        Sort::Cum,
    );
    let flat: i64 = t.rows.iter().map(|r| r.flat).fold(0, i64::saturating_add);
    let _ = flat;
    if check_heap(&p).is_ok() {
        let _ = growth(&[("a".into(), &p), ("b".into(), &p)], &Options::default());
    }
});
