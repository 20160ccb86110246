//! Line charts as inline SVG, drawn on the server: a page needs no script to show them,
//! and nothing from a service reaches the drawing but numbers.

use std::fmt::Write as _;

use super::html::{clock, esc};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 170.0;
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 10.0;
const RIGHT: f64 = 10.0;

/// A line chart of `(time ms, value)` points; `label` formats values for the axis.
pub fn line_chart(title: &str, points: &[(i64, f64)], label: &dyn Fn(f64) -> String) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" \
         height=\"{HEIGHT}\" data-points=\"{}\"><title>{}</title>",
        points.len(),
        esc(title)
    );
    if points.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\">no samples yet</text></svg>",
            WIDTH / 2.0 - 40.0,
            HEIGHT / 2.0
        );
        return out;
    }
    let (t0, t1) = (points[0].0, points[points.len() - 1].0);
    let max = points.iter().map(|p| p.1).fold(0.0f64, f64::max);
    let top = if max <= 0.0 { 1.0 } else { max * 1.1 };
    let span = (t1 - t0).max(1) as f64;
    let x = |t: i64| {
        if points.len() == 1 {
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0
        } else {
            LEFT + (t - t0) as f64 / span * (WIDTH - LEFT - RIGHT)
        }
    };
    let y = |v: f64| HEIGHT - BOTTOM - v / top * (HEIGHT - BOTTOM - TOP);
    // Axes and labels.
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{b}\" stroke=\"#999\"/>\
         <line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#999\"/>\
         <text x=\"4\" y=\"{ty}\">{max_label}</text><text x=\"4\" y=\"{b}\">0</text>\
         <text x=\"{LEFT}\" y=\"{HEIGHT}\" dy=\"-4\">{from}</text>\
         <text x=\"{r}\" y=\"{HEIGHT}\" dy=\"-4\" text-anchor=\"end\">{to}</text>",
        b = HEIGHT - BOTTOM,
        r = WIDTH - RIGHT,
        ty = y(max) + 4.0,
        max_label = esc(&label(max)),
        from = clock(t0),
        to = clock(t1),
    );
    let mut coords = String::new();
    for &(t, v) in points {
        let _ = write!(coords, "{:.1},{:.1} ", x(t), y(v));
    }
    let _ = write!(
        out,
        "<polyline fill=\"none\" stroke=\"#1f6fb2\" stroke-width=\"1.5\" points=\"{}\"/>",
        coords.trim_end()
    );
    if points.len() == 1 {
        let _ = write!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#1f6fb2\"/>",
            x(t0),
            y(points[0].1)
        );
    }
    out.push_str("</svg>");
    out
}

/// A small chart without axes, for the overview.
pub fn sparkline(points: &[(i64, f64)]) -> String {
    const W: f64 = 160.0;
    const H: f64 = 28.0;
    if points.len() < 2 {
        return String::new();
    }
    let (t0, t1) = (points[0].0, points[points.len() - 1].0);
    let span = (t1 - t0).max(1) as f64;
    let max = points.iter().map(|p| p.1).fold(0.0f64, f64::max).max(1.0);
    let mut coords = String::new();
    for &(t, v) in points {
        let _ = write!(
            coords,
            "{:.1},{:.1} ",
            (t - t0) as f64 / span * W,
            H - 1.0 - v / max * (H - 2.0)
        );
    }
    format!(
        "<svg class=\"spark\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\">\
         <polyline fill=\"none\" stroke=\"#1f6fb2\" points=\"{}\"/></svg>",
        coords.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_one_vertex_per_point() {
        let points = [(0, 10.0), (60_000, 20.0), (120_000, 15.0)];
        let svg = line_chart("goroutines", &points, &|v| format!("{v:.0}"));
        let polyline = svg.split("<polyline").nth(1).unwrap();
        let polyline = polyline.split("points=\"").nth(1).unwrap();
        let coords = polyline.split('"').next().unwrap();
        assert_eq!(coords.split(' ').count(), 3);
        assert!(svg.contains("data-points=\"3\""));
        // The highest value is the highest point (smallest y).
        let ys: Vec<f64> = coords
            .split(' ')
            .map(|c| c.split(',').nth(1).unwrap().parse().unwrap())
            .collect();
        assert!(ys[1] < ys[2] && ys[2] < ys[0]);
        assert!(line_chart("x", &[], &|v| v.to_string()).contains("no samples yet"));
    }
}
