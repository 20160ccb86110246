//! Interning of function and file names: a dump of 100,000 goroutines repeats the same
//! few hundred names millions of times, so each distinct name is allocated once.

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::Arc;

use crate::model::{Args, ARGS_INLINE};

/// The hasher of every table the parsers build (see rustc-hash in Cargo.toml).
pub type FxBuild = rustc_hash::FxBuildHasher;

/// A name as a hash key. Hashing every byte of a 60-byte path for each of millions of
/// frames is the parser's largest cost; names of one dump differ in their length and in
/// their first and last bytes, so only those are hashed (equality still compares all).
#[derive(PartialEq, Eq)]
struct NameKey<'a>(&'a [u8]);

impl std::hash::Hash for NameKey<'_> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        let name = self.0;
        state.write_usize(name.len());
        if name.len() <= 24 {
            state.write(name);
        } else {
            state.write(&name[..8]);
            state.write(&name[name.len() / 2..name.len() / 2 + 8]);
            state.write(&name[name.len() - 16..]);
        }
    }
}

/// Maps name bytes borrowed from the input to one shared `Arc<str>`.
#[derive(Default)]
pub struct Interner<'a> {
    names: HashMap<NameKey<'a>, Arc<str>, FxBuild>,
    empty: Option<Arc<str>>,
    /// The last file interned: consecutive frames are often in the same file
    /// (recursion, call chains within a package), and a length check plus one compare
    /// is cheaper than a table lookup.
    last_file: Option<(&'a [u8], Arc<str>)>,
    /// Long argument texts, shared when they repeat (`0x0?, 0x0?, 0x0?, 0x0?`).
    long_args: HashMap<NameKey<'a>, Arc<str>, FxBuild>,
}

/// Distinct long argument texts shared at most; beyond that (texts with pointers are
/// mostly unique) each gets its own allocation instead of growing the table.
const MAX_SHARED_ARGS: usize = 1 << 16;

impl<'a> Interner<'a> {
    pub fn intern(&mut self, name: &'a [u8]) -> Arc<str> {
        if let Some(found) = self.names.get(&NameKey(name)) {
            return found.clone();
        }
        let owned: Arc<str> = Arc::from(String::from_utf8_lossy(name).as_ref());
        self.names.insert(NameKey(name), owned.clone());
        owned
    }

    /// `intern` for file names, with a one-entry cache of the previous file.
    #[inline]
    pub fn intern_file(&mut self, file: &'a [u8]) -> Arc<str> {
        if let Some((last, interned)) = &self.last_file {
            if last.len() == file.len() && *last == file {
                return interned.clone();
            }
        }
        let interned = self.intern(file);
        self.last_file = Some((file, interned.clone()));
        interned
    }

    /// Interns a name that does not live in the input (built while parsing).
    pub fn intern_owned(&mut self, name: &str) -> Arc<str> {
        if let Some(found) = self.names.get(&NameKey(name.as_bytes())) {
            return found.clone();
        }
        Arc::from(name)
    }

    /// A frame's argument text: inline when short, shared when long.
    pub fn args(&mut self, text: &'a [u8]) -> Args {
        if text.len() <= ARGS_INLINE {
            return match std::str::from_utf8(text) {
                Ok(text) => Args::new(text),
                Err(_) => Args::new(&String::from_utf8_lossy(text)),
            };
        }
        if let Some(found) = self.long_args.get(&NameKey(text)) {
            return Args::Shared(found.clone());
        }
        let owned: Arc<str> = Arc::from(String::from_utf8_lossy(text).as_ref());
        if self.long_args.len() < MAX_SHARED_ARGS {
            self.long_args.insert(NameKey(text), owned.clone());
        }
        Args::Shared(owned)
    }

    pub fn empty(&mut self) -> Arc<str> {
        self.empty.get_or_insert_with(|| Arc::from("")).clone()
    }
}
