//! Values as people read them (`19.48MB`, `12.50ms`, `1024`), in the units `go tool
//! pprof` prints (powers of 1024 for bytes), and sizes as the command line takes them.

/// A value of a sample type's unit, scaled as pprof scales it: bytes to B/kB/MB/GB/TB,
/// nanoseconds to ns/us/ms/s, anything else as a plain number. Two decimals, `.00`
/// dropped.
pub fn format_value(value: i64, unit: &str) -> String {
    let (scaled, suffix) = scale(value, unit);
    let text = format!("{scaled:.2}");
    let text = text.strip_suffix(".00").unwrap_or(&text);
    if text == "0" || text == "-0" {
        return "0".to_string();
    }
    format!("{text}{suffix}")
}

fn scale(value: i64, unit: &str) -> (f64, &'static str) {
    let v = value as f64;
    let pick = |table: &[(f64, &'static str)]| -> (f64, &'static str) {
        let mut best = table[0];
        for &(factor, name) in table {
            if v.abs() / factor >= 1.0 {
                best = (factor, name);
            }
        }
        (v / best.0, best.1)
    };
    match unit {
        "bytes" | "byte" | "B" => pick(&[
            (1.0, "B"),
            (1024.0, "kB"),
            (1024.0 * 1024.0, "MB"),
            (1024.0 * 1024.0 * 1024.0, "GB"),
            (1024.0 * 1024.0 * 1024.0 * 1024.0, "TB"),
        ]),
        "nanoseconds" | "nanosecond" | "ns" => {
            pick(&[(1.0, "ns"), (1e3, "us"), (1e6, "ms"), (1e9, "s")])
        }
        _ => (v, ""),
    }
}

/// A byte count for messages: `3.2 MiB`, `512 KiB`, `12 B`.
pub fn human_bytes(bytes: f64) -> String {
    let abs = bytes.abs();
    let (v, unit) = if abs >= (1u64 << 30) as f64 {
        (bytes / (1u64 << 30) as f64, "GiB")
    } else if abs >= (1u64 << 20) as f64 {
        (bytes / (1u64 << 20) as f64, "MiB")
    } else if abs >= 1024.0 {
        (bytes / 1024.0, "KiB")
    } else {
        return format!("{bytes:.0} B");
    };
    if v.abs() >= 100.0 {
        format!("{v:.0} {unit}")
    } else {
        format!("{v:.1} {unit}")
    }
}

/// Parses a size: a number and an optional unit, `B`, `KB`/`KiB`/`K`, `MB`/`MiB`/`M`,
/// `GB`/`GiB`/`G` (powers of 1024, as pprof prints them), any case: `50MB`, `1.5GiB`,
/// `4096`.
pub fn parse_size(text: &str) -> Option<i64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = number * factor;
    (bytes.is_finite() && bytes >= 0.0 && bytes < 9.0e18).then_some(bytes.round() as i64)
}

/// `pprof`'s percentage column: at least two significant digits.
pub fn percentage(value: i64, total: i64) -> String {
    let ratio = if total == 0 {
        0.0
    } else {
        (value as f64 / total as f64).abs() * 100.0
    };
    if (99.95..=100.05).contains(&ratio) {
        "100%".to_string()
    } else if ratio >= 1.0 {
        format!("{ratio:.2}%")
    } else if ratio == 0.0 {
        "0%".to_string()
    } else {
        // Go's %.2g: two significant digits.
        let digits = (-ratio.log10().floor()) as usize + 1;
        let text = format!("{ratio:.digits$}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        format!("{text}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_scale_as_pprof_prints_them() {
        assert_eq!(format_value(20_428_800, "bytes"), "19.48MB");
        assert_eq!(format_value(1024, "bytes"), "1kB");
        assert_eq!(format_value(0, "bytes"), "0");
        assert_eq!(format_value(-524_288, "bytes"), "-512kB");
        assert_eq!(format_value(552_680_000, "nanoseconds"), "552.68ms");
        assert_eq!(format_value(9, "count"), "9");
    }

    #[test]
    fn sizes_parse_in_powers_of_1024() {
        assert_eq!(parse_size("50MB"), Some(50 << 20));
        assert_eq!(parse_size("1.5GiB"), Some(3 << 29));
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("12 kb"), Some(12 << 10));
        assert_eq!(parse_size("10%"), None);
        assert_eq!(parse_size("MB"), None);
    }

    #[test]
    fn percentages_keep_two_digits() {
        assert_eq!(percentage(5897, 10000), "58.97%");
        assert_eq!(percentage(10000, 10000), "100%");
        assert_eq!(percentage(6, 10000), "0.06%");
        assert_eq!(percentage(47, 100000), "0.047%");
        assert_eq!(percentage(5, 1000), "0.5%");
    }
}
