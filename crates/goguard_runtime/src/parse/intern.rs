//! Interning of function and file names: a dump of 100,000 goroutines repeats the same
//! few hundred names millions of times, so each distinct name is allocated once. The
//! table owns its names: input is read in chunks that do not outlive their lines.

use std::hash::{BuildHasher, Hasher};

use crate::model::Name;

/// The hasher of every table the parsers build (see rustc-hash in Cargo.toml).
pub type FxBuild = rustc_hash::FxBuildHasher;

/// Hash of a name's bytes. Hashing every byte of a 60-byte path for each of millions of
/// frames is the parser's largest cost; names of one dump differ in their length and in
/// their first and last bytes, so only those are hashed (equality still compares all).
#[inline]
fn name_hash(name: &[u8]) -> u64 {
    let mut state = FxBuild::default().build_hasher();
    state.write_usize(name.len());
    if name.len() <= 24 {
        state.write(name);
    } else {
        state.write(&name[..8]);
        state.write(&name[name.len() / 2..name.len() / 2 + 8]);
        state.write(&name[name.len() - 16..]);
    }
    state.finish()
}

/// Maps name bytes to one shared `Name`.
#[derive(Default)]
pub struct Interner {
    names: hashbrown::HashTable<Name>,
    empty: Option<Name>,
    /// The last file interned: consecutive frames are often in the same file
    /// (recursion, call chains within a package), and a length check plus one compare
    /// is cheaper than a table lookup.
    last_file: Option<Name>,
}

impl Interner {
    pub fn intern(&mut self, name: &[u8]) -> Name {
        let hash = name_hash(name);
        if let Some(found) = self.names.find(hash, |n| n.as_bytes() == name) {
            return found.clone();
        }
        match std::str::from_utf8(name) {
            Ok(text) => self.insert(hash, text),
            // Looked up by its replacement text: the table holds only what it returns.
            Err(_) => self.intern_str(&String::from_utf8_lossy(name)),
        }
    }

    /// `intern` for file names, with a one-entry cache of the previous file.
    #[inline]
    pub fn intern_file(&mut self, file: &[u8]) -> Name {
        if let Some(last) = &self.last_file {
            if last.len() == file.len() && last.as_bytes() == file {
                return last.clone();
            }
        }
        let interned = self.intern(file);
        self.last_file = Some(interned.clone());
        interned
    }

    /// Interns a name that is not in the input as such (built while parsing).
    pub fn intern_str(&mut self, name: &str) -> Name {
        let hash = name_hash(name.as_bytes());
        if let Some(found) = self.names.find(hash, |n| n.as_str() == name) {
            return found.clone();
        }
        self.insert(hash, name)
    }

    fn insert(&mut self, hash: u64, name: &str) -> Name {
        let owned = Name::new(name);
        self.names
            .insert_unique(hash, owned.clone(), |n| name_hash(n.as_bytes()));
        owned
    }

    pub fn empty(&mut self) -> Name {
        self.empty.get_or_insert_with(|| Name::new("")).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_is_allocated_once() {
        let mut interner = Interner::default();
        let a = interner.intern(b"net/http.(*conn).serve");
        let b = interner.intern(b"net/http.(*conn).serve");
        assert!(Name::ptr_eq(&a, &b));
        let c = interner.intern_str("net/http.(*conn).serve");
        assert!(Name::ptr_eq(&a, &c));
        let file = interner.intern_file(b"/src/net/http/server.go");
        let again = interner.intern(b"/src/net/http/server.go");
        assert!(Name::ptr_eq(&file, &again));
        assert!(!Name::ptr_eq(
            &a,
            &interner.intern(b"net/http.(*conn).serve2")
        ));
    }

    #[test]
    fn invalid_utf8_is_replaced_and_still_shared() {
        let mut interner = Interner::default();
        let a = interner.intern(b"main.f\xff");
        let b = interner.intern(b"main.f\xff");
        assert_eq!(a.as_str(), "main.f\u{fffd}");
        assert!(Name::ptr_eq(&a, &b));
    }
}
