//! `parse_bytes` never panics and stays linear: every corpus file and sample truncated at
//! many points and with bytes flipped (a seeded PRNG, so failures reproduce), damaged gzip
//! and protobuf, and inputs built to provoke quadratic behaviour. `parse_reader` gives
//! the same as `parse_bytes` on the same bytes, damaged or not.

mod parse_common;

use std::io::Write;

use goguard_runtime::model::ParsedDump;
use goguard_runtime::parse::parse_reader;
use goguard_runtime::parse_bytes;
use parse_common::{corpus_inputs, samples_dir};

/// xorshift64*: small, seeded, good enough to pick offsets and bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut files = corpus_inputs();
    for entry in std::fs::read_dir(samples_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("go126_")
        {
            files.push(path);
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

/// What every result must satisfy, whatever the input.
fn check_sane(name: &str, data: &[u8], dump: &ParsedDump) {
    // Line numbers refer to the text; gzipped text has more lines than bytes suggest.
    let lines = if data.starts_with(&[0x1f, 0x8b]) {
        u32::MAX
    } else {
        data.iter().filter(|&&b| b == b'\n').count() as u32 + 1
    };
    for unknown in &dump.unknown_lines {
        assert!(
            unknown.line >= 1 && unknown.line <= lines,
            "{name}: unknown line {} of {lines}",
            unknown.line
        );
    }
    for snapshot in &dump.snapshots {
        assert!(snapshot.line <= lines, "{name}");
        for g in &snapshot.goroutines {
            assert!(g.line <= lines, "{name}");
        }
    }
    if dump.snapshots.is_empty() {
        assert!(
            !dump.warnings.is_empty(),
            "{name}: no snapshot and no warning"
        );
    }
}

fn parse_checked(name: &str, data: &[u8]) -> ParsedDump {
    let dump = parse_bytes(data);
    check_sane(name, data, &dump);
    dump
}

/// Hands out at most `step` bytes per read, as pipes and sockets do.
struct Trickle<'d> {
    data: &'d [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// `parse_checked`, and the same bytes read as a stream give the same.
fn parse_checked_streamed(name: &str, data: &[u8], step: usize) -> ParsedDump {
    let dump = parse_checked(name, data);
    let streamed = parse_reader(Trickle { data, step }, "input").unwrap();
    assert_eq!(streamed, dump, "{name}: read as a stream");
    dump
}

#[test]
fn streams_give_what_bytes_give() {
    for (i, (name, data)) in inputs().into_iter().enumerate() {
        parse_checked_streamed(&name, &data, 1 + i * 997 % 8192);
        parse_checked_streamed(&format!("{name}, gzipped"), &gzip(&data), 1 + i * 31 % 512);
    }
}

#[test]
fn truncated_everywhere() {
    for (name, data) in inputs() {
        // Every byte for small files, 200 evenly spread points for larger ones.
        let step = (data.len() / 200).max(1);
        for cut in (0..data.len()).step_by(step) {
            parse_checked(&format!("{name} cut at {cut}"), &data[..cut]);
        }
    }
}

#[test]
fn truncated_text_dump_warns() {
    let data = std::fs::read(samples_dir().join("go126_stack.txt")).unwrap();
    // Cut inside the line after a function line: its file line is missing.
    let func_end = data.windows(3).position(|w| w == b")\n\t").unwrap() + 1;
    let dump = parse_checked("cut", &data[..func_end]);
    assert!(
        dump.warnings.iter().any(|w| w.contains("no file line")),
        "{:?}",
        dump.warnings
    );
}

#[test]
fn flipped_bytes() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (name, data) in inputs() {
        for round in 0..150 {
            let mut mutated = data.clone();
            for _ in 0..1 + rng.below(8) {
                if mutated.is_empty() {
                    break;
                }
                let at = rng.below(mutated.len());
                match rng.below(4) {
                    0 => mutated[at] = rng.next() as u8,
                    1 => mutated[at] ^= 1 << rng.below(8),
                    2 => {
                        mutated.remove(at);
                    }
                    _ => {
                        // Structural bytes are the interesting ones.
                        let pick = [
                            b'\n', b'\t', b' ', b'(', b')', b'[', b']', b':', b'"', b'{', 0x0a,
                            0x12, 0xff,
                        ];
                        mutated.insert(at, pick[rng.below(pick.len())]);
                    }
                }
            }
            parse_checked(&format!("{name} mutation {round}"), &mutated);
        }
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn damaged_gzip_and_protobuf() {
    let mut rng = Rng(42);
    let profile = std::fs::read(samples_dir().join("go126_debug0.pb.gz")).unwrap();
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("gzip magic only".into(), vec![0x1f, 0x8b]),
        (
            "gzip header, garbage".into(),
            [
                &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3][..],
                &[0xde, 0xad, 0xbe, 0xef],
            ]
            .concat(),
        ),
        (
            "gzip of garbage".into(),
            gzip(&(0..5000).map(|_| rng.next() as u8).collect::<Vec<_>>()),
        ),
        (
            "gzip of text dump".into(),
            gzip(&std::fs::read(samples_dir().join("go126_stack.txt")).unwrap()),
        ),
        (
            "protobuf tag then garbage".into(),
            [&[0x0a, 0x05, 0x01][..], &[0xff; 64]].concat(),
        ),
        ("nested gzip".into(), gzip(&profile)),
        ("empty gzip".into(), gzip(b"")),
    ];
    // The real profile's protobuf, damaged at random, then gzipped again.
    let plain = {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&profile[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    };
    for round in 0..300 {
        let mut damaged = plain.clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(damaged.len());
            damaged[at] = rng.next() as u8;
        }
        if round % 2 == 0 {
            damaged.truncate(rng.below(damaged.len()));
        }
        cases.push((format!("damaged protobuf {round}"), damaged.clone()));
        cases.push((format!("damaged protobuf {round}, gzipped"), gzip(&damaged)));
    }
    for (i, (name, data)) in cases.iter().enumerate() {
        parse_checked_streamed(name, data, 1 + i % 700);
    }
    let text = parse_checked("gzip of text dump", &cases[3].1);
    assert_eq!(text.snapshots.len(), 1, "gzipped text dumps are read");
    let bad = parse_checked("gzip header, garbage", &cases[1].1);
    assert!(
        bad.warnings.iter().any(|w| w.contains("gzip")),
        "{:?}",
        bad.warnings
    );
}

/// Pathological inputs: huge lines, millions of empty or unknown lines, hundreds of
/// thousands of headers. Their timing is measured by the `pathological` group of
/// `benches/parse.rs`; here they must parse to the right result (quadratic work on these
/// sizes would not finish within CI's limits).
#[test]
fn pathological_inputs() {
    let huge_line = vec![b'x'; 10 << 20];
    parse_checked("10 MB line", &huge_line);

    let mut huge_frame = b"goroutine 1 [running]:\n".to_vec();
    huge_frame.extend(std::iter::repeat_n(b'a', 10 << 20));
    huge_frame.extend(b"()\n\t/a.go:1 +0x1\n");
    let dump = parse_checked("10 MB function name", &huge_frame);
    assert_eq!(dump.snapshots[0].goroutines[0].frames.len(), 1);

    let mut prefixed = vec![b'p'; 1 << 20];
    prefixed.extend(b"goroutine 1 [running]:\n");
    for _ in 0..20 {
        prefixed.extend(std::iter::repeat_n(b'p', 1 << 20));
        prefixed.extend(b"main.f()\n");
    }
    parse_checked("1 MB log prefix", &prefixed);

    let empty_lines = vec![b'\n'; 1_000_000];
    parse_checked("1M empty lines", &empty_lines);

    let mut in_dump = b"goroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n".to_vec();
    in_dump.extend(std::iter::repeat_n(b'\n', 1_000_000));
    parse_checked("1M empty lines in a dump", &in_dump);

    let headers: Vec<u8> = (0..200_000)
        .flat_map(|i| format!("goroutine {i} [running]:\n").into_bytes())
        .collect();
    let dump = parse_checked("200k headers", &headers);
    assert_eq!(dump.snapshots[0].goroutines.len(), 200_000);

    let repeated: Vec<u8> = std::iter::repeat_n(&b"goroutine 1 [running]:\n"[..], 200_000)
        .flatten()
        .copied()
        .collect();
    let dump = parse_checked("200k repeated headers", &repeated);
    assert_eq!(dump.snapshots.len(), 200_000);

    let mut crash = b"goroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n".to_vec();
    for i in 2..50_000 {
        crash.extend(format!("goroutine {i} [running]:\n\tgoroutine running on other thread; stack unavailable\n").bytes());
    }
    crash.extend(b"-----\n");
    for i in 2..50_000 {
        crash.extend(format!("goroutine {i} [running]:\nmain.spin()\n\t/a.go:2 +0x1\n").bytes());
    }
    parse_checked("crash with 50k unavailable stacks", &crash);

    let garbage_in_dump: Vec<u8> = [
        &b"goroutine 1 [running]:\n"[..],
        &std::iter::repeat_n(&b"???\n"[..], 500_000)
            .flatten()
            .copied()
            .collect::<Vec<u8>>(),
    ]
    .concat();
    let dump = parse_checked("500k unknown lines", &garbage_in_dump);
    assert_eq!(dump.unknown_lines.len(), 500_000, "never silently dropped");

    let json_lines: Vec<u8> = std::iter::repeat_n(
        &br#"{"msg":"goroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n"}"#[..],
        100_000,
    )
    .flat_map(|l| l.iter().copied().chain([b'\n']))
    .collect();
    let dump = parse_checked("100k JSON dumps", &json_lines);
    assert_eq!(dump.snapshots.len(), 100_000);
}
