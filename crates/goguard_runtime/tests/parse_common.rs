//! Helpers shared by the parser tests (included with `mod parse_common;`).
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared corpus of real dumps, read in place. CI has it at `../shared/corpus/dumps`
/// from the repository root; a checkout elsewhere finds it in an ancestor directory, or
/// through `GOGUARD_CORPUS`.
pub fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GOGUARD_CORPUS") {
        return PathBuf::from(dir);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let ci = manifest.join("../../../shared/corpus/dumps");
    if ci.is_dir() {
        return ci;
    }
    for ancestor in manifest.ancestors() {
        let candidate = ancestor.join("shared/corpus/dumps");
        if candidate.is_dir() {
            return candidate;
        }
    }
    panic!(
        "corpus not found: expected {} or GOGUARD_CORPUS",
        ci.display()
    );
}

pub fn corpus_file(relative: &str) -> PathBuf {
    corpus_dir().join(relative)
}

/// Every data file of the corpus (not the provenance notes or golden files).
pub fn corpus_inputs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![corpus_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read corpus dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if !name.ends_with(".md") && !name.ends_with(".golden.json") {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    assert!(files.len() >= 20, "corpus looks incomplete: {files:?}");
    files
}

pub fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/samples")
}
