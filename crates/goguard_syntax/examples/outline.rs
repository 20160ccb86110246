//! Prints the canonical outline of each Go file given on the command line, in the same
//! format as tools/goast-outline: `=== <path>`, the tree, then `error <line>:<col> <msg>`.

use std::io::Write;

fn main() {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        };
        let _ = writeln!(out, "=== {path}");
        let Ok(source) = String::from_utf8(bytes) else {
            let _ = writeln!(out, "error 0:0 invalid UTF-8 (not compared)");
            continue;
        };
        let file = goguard_syntax::parse_file(&source);
        let _ = out.write_all(goguard_syntax::outline(&file, &source).as_bytes());
        for e in file.errors() {
            let (line, col) = file.lines().line_col(e.offset);
            let _ = writeln!(out, "error {line}:{col} {}", e.message);
        }
    }
}
