//! Line plots of a few series over one x axis (the live heap and the heap goal over a
//! run's seconds): a sparkline per series in the terminal, an inline SVG in HTML. Both
//! are a few lines of drawing, not worth a plotting crate.

use std::fmt::Write as _;

use crate::render::html::escape_html;
use crate::sanitize::display_safe;

/// Series sharing one x axis and one y axis.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plot {
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub name: String,
    /// (x, y), in increasing x.
    pub points: Vec<(f64, f64)>,
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Characters of a sparkline.
const WIDTH: usize = 60;

impl Plot {
    fn x_range(&self) -> Option<(f64, f64)> {
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0));
        range(xs)
    }

    fn y_range(&self) -> Option<(f64, f64)> {
        let ys = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1));
        // Memory and rates start at zero: a plot from 0 shows growth at its true size.
        range(ys).map(|(lo, hi)| (lo.min(0.0), hi))
    }
}

fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

fn number(v: f64) -> String {
    if v.abs() >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// One line per series: the name, a sparkline of its values over the x range (the
/// highest value of each column), and its first, lowest, highest and last values.
pub fn plot_text(out: &mut String, plot: &Plot) {
    let (Some((x0, x1)), Some((y0, y1))) = (plot.x_range(), plot.y_range()) else {
        return;
    };
    let name_width = plot
        .series
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0);
    for s in &plot.series {
        let mut columns: Vec<Option<f64>> = vec![None; WIDTH];
        for &(x, y) in &s.points {
            let col = if x1 > x0 {
                (((x - x0) / (x1 - x0)) * (WIDTH - 1) as f64).round() as usize
            } else {
                0
            };
            let slot = &mut columns[col.min(WIDTH - 1)];
            *slot = Some(slot.map_or(y, |v: f64| v.max(y)));
        }
        // Columns between two points keep the earlier value: a step line, no holes.
        let mut previous = None;
        for c in columns.iter_mut() {
            match c {
                Some(v) => previous = Some(*v),
                None => *c = previous,
            }
        }
        let line: String = columns
            .iter()
            .map(|c| match c {
                None => ' ',
                Some(y) => {
                    let level = if y1 > y0 {
                        ((y - y0) / (y1 - y0) * 7.0).round() as usize
                    } else {
                        3
                    };
                    BARS[level.min(7)]
                }
            })
            .collect();
        let ys = || s.points.iter().map(|p| p.1);
        let (lo, hi) = range(ys()).unwrap_or((0.0, 0.0));
        let first = s.points.first().map_or(0.0, |p| p.1);
        let last = s.points.last().map_or(0.0, |p| p.1);
        let _ = writeln!(
            out,
            "  {:<name_width$}  {}  {} → {} {} (min {}, max {})",
            display_safe(&s.name),
            line.trim_end(),
            number(first),
            number(last),
            display_safe(&plot.y_label),
            number(lo),
            number(hi)
        );
    }
    let _ = writeln!(
        out,
        "  {:<name_width$}  {} {} to {}",
        "",
        display_safe(&plot.x_label),
        number(x0),
        number(x1)
    );
}

const COLORS: [&str; 4] = ["#c0392b", "#2874a6", "#27ae60", "#7d3c98"];

/// An inline SVG: axes with their ranges, one polyline per series, a legend.
pub fn plot_svg(out: &mut String, plot: &Plot) {
    let (Some((x0, x1)), Some((y0, y1))) = (plot.x_range(), plot.y_range()) else {
        return;
    };
    let (w, h) = (640.0, 240.0);
    let (left, right, top, bottom) = (56.0, 12.0, 12.0, 36.0);
    let px = |x: f64| {
        left + if x1 > x0 {
            (x - x0) / (x1 - x0) * (w - left - right)
        } else {
            0.0
        }
    };
    let py = |y: f64| {
        top + (h - top - bottom)
            - if y1 > y0 {
                (y - y0) / (y1 - y0) * (h - top - bottom)
            } else {
                0.0
            }
    };
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" style=\"font:11px sans-serif\">"
    );
    let _ = write!(
        out,
        "<path d=\"M{left} {top} V{} H{}\" fill=\"none\" stroke=\"#888\"/>",
        h - bottom,
        w - right
    );
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
        left - 4.0,
        top + 8.0,
        number(y1),
        left - 4.0,
        h - bottom,
        number(y0)
    );
    let _ = write!(
        out,
        "<text x=\"{left}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" \
         text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        h - bottom + 14.0,
        number(x0),
        w - right,
        h - bottom + 14.0,
        number(x1),
        (left + w - right) / 2.0,
        h - 6.0,
        escape_html(&plot.x_label)
    );
    let _ = write!(
        out,
        "<text x=\"12\" y=\"{}\" transform=\"rotate(-90 12 {})\" \
         text-anchor=\"middle\">{}</text>",
        (top + h - bottom) / 2.0,
        (top + h - bottom) / 2.0,
        escape_html(&plot.y_label)
    );
    for (i, s) in plot.series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let mut points = String::new();
        for &(x, y) in s
            .points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
        {
            let _ = write!(points, "{:.1},{:.1} ", px(x), py(y));
        }
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"/>",
            points.trim_end()
        );
        let ly = top + 14.0 * i as f64 + 4.0;
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"3\" fill=\"{color}\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            left + 10.0,
            ly,
            left + 24.0,
            ly + 4.0,
            escape_html(&s.name)
        );
    }
    out.push_str("</svg>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plot() -> Plot {
        Plot {
            x_label: "seconds".into(),
            y_label: "MB".into(),
            series: vec![
                Series {
                    name: "live heap".into(),
                    points: (0..10).map(|i| (i as f64, 10.0 * i as f64)).collect(),
                },
                Series {
                    name: "goal <b>".into(),
                    points: (0..10).map(|i| (i as f64, 100.0)).collect(),
                },
            ],
        }
    }

    #[test]
    fn sparklines_rise_with_the_values() {
        let mut out = String::new();
        plot_text(&mut out, &plot());
        let first = out.lines().next().unwrap();
        assert!(first.contains('▁') && first.contains('▇'), "{out}");
        assert!(first.ends_with("0 → 90 MB (min 0, max 90)"), "{out}");
        assert!(out.lines().nth(1).unwrap().contains("████"), "{out}");
        assert!(out.contains("seconds 0 to 9"));
    }

    #[test]
    fn svg_escapes_names_and_draws_each_series() {
        let mut out = String::new();
        plot_svg(&mut out, &plot());
        assert_eq!(out.matches("<polyline").count(), 2);
        assert!(out.contains("goal &lt;b&gt;") && !out.contains("<b>"));
        assert!(out.starts_with("<svg") && out.ends_with("</svg>\n"));
    }
}
