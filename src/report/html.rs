//! A report as one self-contained HTML page: inline CSS and inline SVG charts, no script, and a
//! Content-Security-Policy that lets the page fetch nothing at all. CJK text uses the system's
//! CJK fonts; an A4 print stylesheet makes "print to PDF" a clean bulletin. Every text is escaped.

use super::chart::{escape, svg};
use super::{Report, Table};
use std::fmt::Write as _;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  "WenQuanYi Micro Hei", "Noto Sans", sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em;
  color: #1a1a1a; line-height: 1.6; }
h1 { font-size: 1.6em; border-bottom: 3px solid #b00; padding-bottom: .3em; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-left: 4px solid #b00; padding-left: .5em; }
h3 { font-size: 1em; margin: 1em 0 .3em; }
p.subtitle { color: #555; }
p.sentence { font-size: 1.05em; }
table { border-collapse: collapse; margin: .3em 0 1em; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .15em .5em; }
th { background: #f3f3f3; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.good { color: #0a6b2d; } td.watch { color: #8a5a00; } td.poor { color: #b00; font-weight: 600; }
tr.total td { font-weight: 600; background: #fafafa; }
figure { margin: .5em 0 1.2em; }
figcaption { font-size: .9em; color: #444; }
svg.chart { max-width: 100%; height: auto; font-family: inherit; }
svg.chart text { fill: #222; } svg.chart text.target { fill: #b00; }
footer { margin-top: 2em; font-size: .8em; color: #666; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  table, figure { break-inside: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

fn table(out: &mut String, t: &Table) {
    let _ = write!(
        out,
        r#"<h3>{}</h3><table data-key="{}"><thead><tr>"#,
        escape(&t.title),
        t.key
    );
    for c in &t.columns {
        let _ = write!(out, "<th>{}</th>", escape(&c.heading));
    }
    out.push_str("</tr></thead><tbody>");
    let numeric = t.numeric_columns();
    for row in &t.rows {
        // A city's total row stands out from its counties.
        let total = row
            .iter()
            .any(|c| matches!(c, super::Cell::Text(t) if t == "合计" || t == "total"));
        out.push_str(if total {
            r#"<tr class="total">"#
        } else {
            "<tr>"
        });
        for (i, cell) in row.iter().enumerate() {
            let mut classes = Vec::new();
            if numeric.get(i).copied().unwrap_or(false) {
                classes.push("n");
            }
            if let super::Cell::Coded { code, .. } = cell
                && matches!(code.as_str(), "good" | "watch" | "poor")
            {
                classes.push(code.as_str());
            }
            let class = if classes.is_empty() {
                String::new()
            } else {
                format!(r#" class="{}""#, classes.join(" "))
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(&cell.shown()));
        }
        out.push_str("</tr>");
    }
    if t.rows.is_empty() {
        let _ = write!(out, r#"<tr><td colspan="{}">—</td></tr>"#, t.columns.len());
    }
    out.push_str("</tbody></table>\n");
}

/// The report as an HTML page.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="{}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{}</title><style>{STYLE}</style></head><body>
<h1>{}</h1><p class="subtitle">{}</p>
"#,
        if report.lang == "zh" { "zh-CN" } else { "en" },
        escape(&report.title),
        escape(&report.title),
        escape(&report.subtitle)
    );
    for section in &report.sections {
        let _ = write!(
            out,
            r#"<section id="{}"><h2>{}</h2>"#,
            section.key,
            escape(&section.heading)
        );
        for s in &section.sentences {
            let _ = write!(out, r#"<p class="sentence">{}</p>"#, escape(s));
        }
        for chart in &section.charts {
            let _ = write!(
                out,
                "<figure>{}<figcaption>{}</figcaption></figure>",
                svg(chart),
                escape(&chart.title)
            );
        }
        for t in &section.tables {
            table(&mut out, t);
        }
        out.push_str("</section>\n");
    }
    let _ = writeln!(
        out,
        "<footer>xinfang · {} · {}</footer></body></html>",
        escape(&report.region),
        report.as_of
    );
    out
}
