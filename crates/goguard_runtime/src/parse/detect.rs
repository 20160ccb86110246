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

/// Decompresses gzip input: the bytes decompressed, and the error that stopped it early
/// (truncated or corrupt input), if any.
pub fn gunzip(data: &[u8]) -> (Vec<u8>, Option<String>) {
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(1 << 30));
    let decoder = flate2::read::MultiGzDecoder::new(data);
    let mut limited = decoder.take(MAX_DECOMPRESSED);
    match limited.read_to_end(&mut out) {
        Ok(_) if out.len() as u64 >= MAX_DECOMPRESSED => (
            out,
            Some(format!(
                "decompressed data exceeds {MAX_DECOMPRESSED} bytes; cut off"
            )),
        ),
        Ok(_) => (out, None),
        Err(err) => (out, Some(err.to_string())),
    }
}
