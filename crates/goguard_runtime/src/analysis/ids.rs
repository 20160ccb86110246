//! Goroutine id lists written as ranges: `12-40, 77`.

/// Formats ids (any order, duplicates allowed) as sorted, merged ranges.
pub fn format_id_ranges(ids: &[u64]) -> String {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}-{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_consecutive_ids() {
        let mut ids: Vec<u64> = (12..=40).collect();
        ids.push(77);
        ids.push(13);
        assert_eq!(format_id_ranges(&ids), "12-40, 77");
        assert_eq!(format_id_ranges(&[5, 3, 4, 9, 10]), "3-5, 9-10");
        assert_eq!(format_id_ranges(&[]), "");
    }
}
