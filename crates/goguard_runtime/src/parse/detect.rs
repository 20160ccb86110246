//! Which form the input is in: gzip (a protobuf profile, or gzipped text), raw
//! profile.proto, or text.

use std::io::Read;

/// Decompressed profiles larger than this are cut off: a goroutine profile of a million
/// goroutines is tens of MB; this only stops decompression bombs.
const MAX_DECOMPRESSED: u64 = 1 << 30;

pub enum Input {
    Gzip,
    Protobuf,
    Text,
}

pub fn detect(data: &[u8]) -> Input {
    if data.starts_with(&[0x1f, 0x8b]) {
        return Input::Gzip;
    }
    // A profile starts with field 1 (sample_type), tag byte 0x0a, and holds binary
    // varints; text starting with a blank line also starts with 0x0a, so look for
    // control bytes that text dumps never contain.
    if data.first() == Some(&0x0a) {
        let head = &data[..data.len().min(4096)];
        if head
            .iter()
            .any(|&b| b < 0x09 || (0x0e..0x20).contains(&b) && b != 0x1b)
        {
            return Input::Protobuf;
        }
    }
    Input::Text
}

/// A gzip decoder over `input` that stops at `MAX_DECOMPRESSED` bytes.
pub fn gunzip_reader<R: Read>(input: R) -> std::io::Take<flate2::read::MultiGzDecoder<R>> {
    flate2::read::MultiGzDecoder::new(input).take(MAX_DECOMPRESSED)
}

/// What to tell about a decompression that gave `len` bytes and stopped with `error`
/// (truncated or corrupt input), or at the size limit.
pub fn gunzip_problem(len: u64, error: Option<std::io::Error>) -> Option<String> {
    match error {
        Some(error) => Some(error.to_string()),
        None if len >= MAX_DECOMPRESSED => Some(format!(
            "decompressed data exceeds {MAX_DECOMPRESSED} bytes; cut off"
        )),
        None => None,
    }
}

/// Decompresses gzip input: the bytes decompressed, and the problem that stopped it
/// early, if any.
pub fn gunzip(data: &[u8]) -> (Vec<u8>, Option<String>) {
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(1 << 30));
    let error = gunzip_reader(data).read_to_end(&mut out).err();
    let problem = gunzip_problem(out.len() as u64, error);
    (out, problem)
}
