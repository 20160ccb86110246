//! `goguard heap top PROFILE`: flat and cumulative values per function or line.

use std::process::ExitCode;
use std::time::Instant;

use goguard_diagnostics::{Files, Scope, Section, Summary, Table};
use goguard_runtime::profile::data::Kind;
use goguard_runtime::profile::filter::Filter;
use goguard_runtime::profile::top::{top, Granularity, Input, Sort, Top};
use goguard_runtime::profile::units::{format_in, format_value, percentage, table_unit};
use goguard_runtime::profile::ProfileData;
use serde::Serialize;

use super::input::read;
use super::{TopArgs, ViewArgs};
use crate::commands::catalog::runtime_rule_infos;
use crate::commands::output::Report;

/// The profile's header lines, as pprof prints them: binary, type, time.
pub fn header(p: &ProfileData, value: usize) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(file) = p.mapping_files.first().filter(|f| !f.is_empty()) {
        out.push(format!("File: {}", file.rsplit('/').next().unwrap_or(file)));
    }
    out.push(format!("Type: {}", p.sample_types[value].kind));
    if p.time_nanos != 0 {
        out.push(format!("Time: {}", utc(p.time_nanos)));
    }
    out
}

/// `2026-12-05 00:37:49 UTC` for Unix nanoseconds.
pub fn utc(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days to civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The index of the value to show: `--sample`, else the profile's default.
pub fn value_index(p: &ProfileData, sample: Option<&str>, label: &str) -> anyhow::Result<usize> {
    match sample {
        None => Ok(p.default_index()),
        Some(name) => p.sample_index(name).ok_or_else(|| {
            let names: Vec<&str> = p.sample_types.iter().map(|t| t.kind.as_str()).collect();
            anyhow::anyhow!(
                "{label}: no sample type {name:?}; this profile has {}",
                names.join(", ")
            )
        }),
    }
}

pub fn filter(view: &ViewArgs) -> anyhow::Result<Filter> {
    Filter::new(view.focus.as_deref(), view.ignore.as_deref()).map_err(anyhow::Error::msg)
}

pub fn granularity(view: &ViewArgs) -> Granularity {
    if view.lines {
        Granularity::Lines
    } else {
        Granularity::Functions
    }
}

pub fn sort(view: &ViewArgs) -> Sort {
    if view.cum {
        Sort::Cum
    } else {
        Sort::Flat
    }
}

#[derive(Serialize)]
pub struct ProfileOut {
    pub path: String,
    pub kind: Kind,
    pub sample_types: Vec<String>,
    pub time_nanos: Option<i64>,
    pub samples: usize,
}

impl ProfileOut {
    pub fn new(label: &str, p: &ProfileData) -> ProfileOut {
        ProfileOut {
            path: label.to_string(),
            kind: p.kind(),
            sample_types: p
                .sample_types
                .iter()
                .map(|t| format!("{}/{}", t.kind, t.unit))
                .collect(),
            time_nanos: (p.time_nanos != 0).then_some(p.time_nanos),
            samples: p.sample_count(),
        }
    }
}

#[derive(Serialize)]
pub struct TopOut<'a> {
    pub sample_type: &'a str,
    pub unit: &'a str,
    pub granularity: Granularity,
    pub sort: Sort,
    pub focus: Option<&'a str>,
    pub ignore: Option<&'a str>,
    #[serde(flatten)]
    pub top: &'a Top,
}

#[derive(Serialize)]
struct TopReport<'a> {
    profile: ProfileOut,
    top: TopOut<'a>,
}

/// The table of a top: pprof's columns, right-aligned numbers.
pub fn table(t: &Top, unit: &str, count: usize) -> Table {
    let shown = if count == 0 {
        t.rows.len()
    } else {
        count.min(t.rows.len())
    };
    // As pprof, the unit comes from the rows worth drawing: those holding at least 0.5%
    // of the total (its default -nodefraction).
    let cutoff = (t.total as f64 * 0.005).abs() as i64;
    let min = t.rows[..shown]
        .iter()
        .filter(|r| r.cum.abs() >= cutoff)
        .map(|r| {
            if r.flat != 0 {
                r.flat.abs()
            } else {
                r.cum.abs()
            }
        })
        .filter(|&v| v > 0)
        .min()
        .unwrap_or(0);
    let shown_unit = table_unit(min, t.total, unit);
    let format_value = |v: i64, unit: &str| format_in(v, unit, shown_unit);
    let mut sum = 0i64;
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(shown);
    for r in &t.rows[..shown] {
        sum = sum.saturating_add(r.flat);
        let name = match r.inline {
            Some(i) => format!("{} {}", r.name, i.label()),
            None => r.name.clone(),
        };
        rows.push(vec![
            format_value(r.flat, unit),
            percentage(r.flat, t.total),
            percentage(sum, t.total),
            format_value(r.cum, unit),
            percentage(r.cum, t.total),
            name,
        ]);
    }
    let mut columns: Vec<String> = ["flat", "flat%", "sum%", "cum", "cum%", "name"]
        .map(String::from)
        .to_vec();
    // Right-align the five value columns, as pprof does.
    for col in 0..5 {
        let width = rows
            .iter()
            .map(|r| r[col].chars().count())
            .chain(std::iter::once(columns[col].len()))
            .max()
            .unwrap_or(0);
        for r in &mut rows {
            r[col] = format!("{:>width$}", r[col]);
        }
        columns[col] = format!("{:>width$}", columns[col]);
    }
    Table { columns, rows }
}

/// "Showing nodes accounting for X, P% of T total", as pprof words it.
pub fn accounting(t: &Top, unit: &str, count: usize) -> String {
    let shown = if count == 0 {
        t.rows.len()
    } else {
        count.min(t.rows.len())
    };
    let flat: i64 = t.rows[..shown].iter().map(|r| r.flat).sum();
    let mut line = format!(
        "Showing nodes accounting for {}, {} of {} total",
        format_value(flat, unit),
        percentage(flat, t.total),
        format_value(t.total, unit)
    );
    if shown < t.rows.len() {
        line.push_str(&format!(
            "; top {shown} of {} rows (--count 0 shows all)",
            t.rows.len()
        ));
    }
    line
}

pub fn run(args: TopArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let input = read(&args.input, args.fetch.options()?).map_err(anyhow::Error::msg)?;
    let p = &input.profile;
    let value = value_index(p, args.select.sample.as_deref(), &input.label)?;
    let filter = filter(&args.select)?;
    let t = top(
        &[Input {
            profile: p,
            value,
            base: false,
        }],
        granularity(&args.select),
        &filter,
        sort(&args.select),
    );
    let unit = p.sample_types[value].unit.as_str();
    let mut head = Section::new(input.label.clone());
    for line in header(p, value) {
        head = head.paragraph(line);
    }
    if filter.is_active() && t.samples == 0 {
        head = head.paragraph("no sample matches --focus/--ignore");
    }
    head = head.paragraph(accounting(&t, unit, args.count));
    if !t.rows.is_empty() {
        head = head.with_table(table(&t, unit, args.count));
    }
    let sections = [head];
    let summary = Summary::with_scope(
        &[],
        Scope::Counted {
            inputs: 1,
            count: p.sample_count() as u64,
            noun: ("sample", "samples"),
        },
        start.elapsed(),
    );
    let json = TopReport {
        profile: ProfileOut::new(&input.label, p),
        top: TopOut {
            sample_type: &p.sample_types[value].kind,
            unit,
            granularity: granularity(&args.select),
            sort: sort(&args.select),
            focus: args.select.focus.as_deref(),
            ignore: args.select.ignore.as_deref(),
            top: &t,
        },
    };
    args.report.emit(&Report {
        title: "goguard heap top",
        diagnostics: &[],
        files: &Files::new(),
        json_extra: &json,
        rules: &runtime_rule_infos(),
        sections: &sections,
        summary: &summary,
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_time_in_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_796_438_269_000_000_000), "2026-12-05 02:37:49 UTC");
        assert_eq!(utc(951_782_400_000_000_000), "2000-02-29 00:00:00 UTC");
    }
}
