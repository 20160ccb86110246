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

const BYTES: &[(f64, &str)] = &[
    (1.0, "B"),
    (1024.0, "kB"),
    (1024.0 * 1024.0, "MB"),
    (1024.0 * 1024.0 * 1024.0, "GB"),
    (1024.0 * 1024.0 * 1024.0 * 1024.0, "TB"),
];
const NANOSECONDS: &[(f64, &str)] = &[(1.0, "ns"), (1e3, "us"), (1e6, "ms"), (1e9, "s")];

fn units(unit: &str) -> Option<&'static [(f64, &'static str)]> {
    match unit {
        "bytes" | "byte" | "B" => Some(BYTES),
        "nanoseconds" | "nanosecond" | "ns" => Some(NANOSECONDS),
        _ => None,
    }
}

/// The largest unit in which `value` is at least 1.
fn auto(value: i64, table: &'static [(f64, &'static str)]) -> (f64, &'static str) {
    let mut best = table[0];
    for &(factor, name) in table {
        if (value as f64).abs() / factor >= 1.0 {
            best = (factor, name);
        }
    }
    best
}

fn scale(value: i64, unit: &str) -> (f64, &'static str) {
    match units(unit) {
        Some(table) => {
            let (factor, name) = auto(value, table);
            (value as f64 / factor, name)
        }
        None => (value as f64, ""),
    }
}

/// The one unit a table of values is shown in, as pprof chooses it: the unit of the
/// smallest value, or of a hundred times it when the largest needs a larger unit.
pub fn table_unit(min: i64, max: i64, unit: &str) -> Option<&'static str> {
    let table = units(unit)?;
    let min = if min == 0 { max.abs() } else { min.abs() };
    let min_unit = auto(min, table);
    let max_unit = auto(max.abs(), table);
    if min_unit.1 != max_unit.1 && min.saturating_mul(100) < max.abs() {
        return Some(auto(min.saturating_mul(100), table).1);
    }
    Some(min_unit.1)
}

/// `value` in the given unit of `unit`'s family (from [`table_unit`]), as pprof prints it.
pub fn format_in(value: i64, unit: &str, shown: Option<&str>) -> String {
    let (scaled, suffix) = match (units(unit), shown) {
        (Some(table), Some(name)) => match table.iter().find(|(_, n)| *n == name) {
            Some(&(factor, n)) => (value as f64 / factor, n),
            None => scale(value, unit),
        },
        _ => scale(value, unit),
    };
    let text = format!("{scaled:.2}");
    let text = text.strip_suffix(".00").unwrap_or(&text);
    if text == "0" || text == "-0" {
        return "0".to_string();
    }
    format!("{text}{suffix}")
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
    (0.0..9.0e18)
        .contains(&bytes)
        .then_some(bytes.round() as i64)
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
    fn tables_share_one_unit() {
        // 100 times the smallest value is still below the largest: the larger unit.
        let unit = table_unit(20_820, 34_644_000, "bytes");
        assert_eq!(unit, Some("MB"));
        assert_eq!(table_unit(524_288, 34_644_000, "bytes"), Some("kB"));
        assert_eq!(format_in(524_288, "bytes", unit), "0.50MB");
        assert_eq!(format_in(16_435, "bytes", unit), "0.02MB");
        assert_eq!(table_unit(3, 9, "count"), None);
        assert_eq!(format_in(3, "count", None), "3");
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
