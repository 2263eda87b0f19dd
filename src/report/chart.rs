//! Charts of a report as data (bar, line, stacked bar) and as inline SVG drawn from that data:
//! no script, no font or image fetched. Label room is measured in terminal columns (a Chinese
//! character takes two, about one em), so CJK labels fit their box.

use serde::Serialize;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Horizontal bars, one series, one bar per label.
    Bar,
    /// Lines over the labels, one per series.
    Line,
    /// Vertical columns over the labels, the series stacked.
    Stacked,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub key: &'static str,
    pub title: String,
    pub kind: Kind,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    /// Values are rates in 0..=1 (shown as percentages).
    pub percent: bool,
    /// A target drawn across the chart as a dashed line (a rate, for a percent chart).
    pub target: Option<f64>,
}

/// Colours that survive print and colour blindness reasonably (Okabe–Ito).
const COLOURS: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999",
];

const FONT: f64 = 12.0;
const WIDTH: f64 = 680.0;

/// Escapes text for XML (SVG and HTML share it).
pub fn escape(text: &str) -> String {
    let text = crate::text::sanitise(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The width a label takes at the chart's font size: a column is half an em.
pub fn text_width(text: &str) -> f64 {
    UnicodeWidthStr::width(text) as f64 * FONT * 0.6
}

fn value_text(chart: &Chart, v: f64) -> String {
    if chart.percent {
        format!("{:.1}%", v * 100.0)
    } else {
        super::thousands(v.max(0.0).round() as u64)
    }
}

/// A round upper bound for the axis.
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let step = 10f64.powf(max.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * step >= max {
            return m * step;
        }
    }
    10.0 * step
}

/// The chart as an `<svg>` element.
pub fn svg(chart: &Chart) -> String {
    match chart.kind {
        Kind::Bar => bars(chart),
        Kind::Line | Kind::Stacked => columns(chart),
    }
}

fn open(out: &mut String, chart: &Chart, height: f64) {
    let _ = write!(
        out,
        r#"<svg class="chart" data-key="{}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{}"><title>{}</title>"#,
        chart.key,
        escape(&chart.title),
        escape(&chart.title)
    );
}

fn bars(chart: &Chart) -> String {
    let values: &[f64] = chart.series.first().map_or(&[], |s| &s.values);
    let row = 20.0;
    let top = 8.0;
    let height = top + row * chart.labels.len().max(1) as f64 + 8.0;
    let label_w = chart
        .labels
        .iter()
        .map(|l| text_width(l))
        .fold(0.0, f64::max)
        + 10.0;
    let max = values.iter().copied().fold(0.0, f64::max);
    let value_w = text_width(&value_text(chart, max)) + 12.0;
    let plot = (WIDTH - label_w - value_w).max(40.0);
    let mut out = String::new();
    open(&mut out, chart, height);
    for (i, label) in chart.labels.iter().enumerate() {
        let v = values.get(i).copied().unwrap_or(0.0);
        let y = top + row * i as f64;
        let w = if max > 0.0 { plot * v / max } else { 0.0 };
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="{FONT}" text-anchor="end">{}</text><rect x="{label_w:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="{FONT}">{}</text>"#,
            label_w - 6.0,
            y + 14.0,
            escape(label),
            y + 3.0,
            row - 6.0,
            COLOURS[0],
            label_w + w + 4.0,
            y + 14.0,
            value_text(chart, v)
        );
    }
    out.push_str("</svg>");
    out
}

fn columns(chart: &Chart) -> String {
    let n = chart.labels.len().max(1);
    let legend_h = if chart.series.len() > 1 { 22.0 } else { 4.0 };
    let (left, right, bottom) = (56.0, 12.0, 26.0);
    let height = 240.0;
    let top = legend_h + 8.0;
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom;
    let totals: Vec<f64> = (0..n)
        .map(|i| {
            let at = |s: &Series| s.values.get(i).copied().unwrap_or(0.0);
            match chart.kind {
                Kind::Stacked => chart.series.iter().map(at).sum(),
                _ => chart.series.iter().map(at).fold(0.0, f64::max),
            }
        })
        .collect();
    // A rate's axis runs from a round 5 % step below its lowest value (and the target) to
    // 100 %, so a change of a point is visible; a count's from 0 to a round value above its top.
    let (min, max) = if chart.percent {
        let lowest = chart
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .chain(chart.target)
            .fold(1.0, f64::min);
        (((lowest - 0.02) * 20.0).floor().max(0.0) / 20.0, 1.0)
    } else {
        (0.0, nice_max(totals.iter().copied().fold(0.0, f64::max)))
    };
    let span = (max - min).max(f64::EPSILON);
    let y_of = |v: f64| top + plot_h - plot_h * ((v - min) / span).clamp(0.0, 1.0);
    let step = plot_w / n as f64;
    let mut out = String::new();
    open(&mut out, chart, height);
    // Legend.
    let mut x = left;
    if chart.series.len() > 1 {
        for (i, s) in chart.series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="6" width="10" height="10" fill="{colour}"/><text x="{:.1}" y="15" font-size="{FONT}">{}</text>"#,
                x + 14.0,
                escape(&s.name)
            );
            x += 14.0 + text_width(&s.name) + 14.0;
        }
    }
    // Axis: 0, half and the top, with light grid lines.
    for f in [0.0, 0.5, 1.0] {
        let v = min + span * f;
        let y = y_of(v);
        let _ = write!(
            out,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="{FONT}" text-anchor="end">{}</text>"##,
            WIDTH - right,
            left - 4.0,
            y + 4.0,
            value_text(chart, v)
        );
    }
    // Labels: as many as fit without overlapping.
    let widest = chart
        .labels
        .iter()
        .map(|l| text_width(l))
        .fold(0.0, f64::max)
        + 6.0;
    let every = ((widest / step).ceil() as usize).max(1);
    for (i, label) in chart.labels.iter().enumerate() {
        // Counted from the last label, which is always shown (the newest day or period).
        if !(n - 1 - i).is_multiple_of(every) {
            continue;
        }
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="{FONT}" text-anchor="middle">{}</text>"#,
            left + step * (i as f64 + 0.5),
            height - 8.0,
            escape(label)
        );
    }
    if let Some(target) = chart.target {
        let y = y_of(target);
        let _ = write!(
            out,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#b00" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-size="{FONT}" text-anchor="end" class="target" fill="#b00">{}</text>"##,
            WIDTH - right,
            WIDTH - right,
            (y - 4.0).max(FONT),
            value_text(chart, target)
        );
    }
    match chart.kind {
        Kind::Stacked => {
            for i in 0..n {
                let mut base = 0.0;
                for (k, s) in chart.series.iter().enumerate() {
                    let v = s.values.get(i).copied().unwrap_or(0.0);
                    if v <= 0.0 {
                        continue;
                    }
                    let (y0, y1) = (y_of(base), y_of(base + v));
                    let _ = write!(
                        out,
                        r#"<rect x="{:.1}" y="{y1:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{} {}</title></rect>"#,
                        left + step * i as f64 + step * 0.15,
                        step * 0.7,
                        (y0 - y1).max(0.0),
                        COLOURS[k % COLOURS.len()],
                        escape(chart.labels.get(i).map_or("", String::as_str)),
                        value_text(chart, v)
                    );
                    base += v;
                }
            }
        }
        _ => {
            for (k, s) in chart.series.iter().enumerate() {
                let points: Vec<String> = (0..n)
                    .map(|i| {
                        let v = s.values.get(i).copied().unwrap_or(0.0);
                        format!("{:.1},{:.1}", left + step * (i as f64 + 0.5), y_of(v))
                    })
                    .collect();
                let _ = write!(
                    out,
                    r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>"#,
                    COLOURS[k % COLOURS.len()],
                    points.join(" ")
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(kind: Kind, labels: &[&str], values: &[f64]) -> Chart {
        Chart {
            key: "t",
            title: "标题 <b>".into(),
            kind,
            labels: labels.iter().map(|l| l.to_string()).collect(),
            series: vec![Series {
                name: "网上".into(),
                values: values.to_vec(),
            }],
            percent: false,
            target: None,
        }
    }

    #[test]
    fn bar_labels_get_room_for_their_width_and_text_is_escaped() {
        let svg = svg(&chart(Kind::Bar, &["青铜峡市", "x"], &[10.0, 5.0]));
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        // The bars start right of the widest label: 4 CJK characters = 8 columns.
        let start = 8.0 * FONT * 0.6 + 10.0;
        assert!(svg.contains(&format!(r#"<rect x="{start:.1}""#)), "{svg}");
        // The longest bar fills the plot; the shorter is half of it.
        assert!(nice_max(0.0) == 1.0 && nice_max(7.0) == 8.0 && nice_max(2400.0) == 2500.0);
    }

    #[test]
    fn crowded_labels_are_thinned_so_they_never_overlap() {
        let labels: Vec<String> = (0..60).map(|i| format!("2026-{i:02}")).collect();
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let svg = svg(&chart(Kind::Stacked, &refs, &[1.0; 60]));
        let shown = labels
            .iter()
            .filter(|l| svg.contains(&format!(">{l}<")))
            .count();
        assert!(shown > 5 && shown < 60, "{shown} labels shown");
    }
}
