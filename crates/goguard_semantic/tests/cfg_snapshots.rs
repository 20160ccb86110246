//! The `format()` dump of every function of every fixture under
//! tests/testdata/cfg, one snapshot per file.

mod cfg_support;

use cfg_support::{go_files, testdata, Fixture};

#[test]
fn fixture_dumps() {
    let files = go_files(&testdata());
    assert!(files.len() >= 6, "fixtures missing: {files:?}");
    for path in files {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let fx = Fixture::load(path.file_name().unwrap().to_str().unwrap());
        assert!(
            fx.parsed.errors().is_empty(),
            "{stem}: {:?}",
            fx.parsed.errors()
        );
        let mut dump = String::new();
        for (name, body) in fx.funcs() {
            dump.push_str(&format!("func {name}\n"));
            dump.push_str(&fx.build(body).format(fx.ast(), &fx.source));
            dump.push('\n');
        }
        insta::assert_snapshot!(stem, dump);
    }
}
