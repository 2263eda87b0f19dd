//! A report as JSON: stable keys (sections, tables and columns by `key`; each row an object of
//! column key to value), every number the other formats show.

use super::{Cell, Report};
use serde_json::{Map, Value, json};

fn cell(c: &Cell) -> Value {
    match c {
        Cell::Text(t) => Value::String(crate::text::sanitise_lines(t)),
        Cell::Coded { code, .. } => Value::String(code.clone()),
        Cell::None => Value::Null,
        Cell::Count(n) => json!(n),
        Cell::Rate(v) | Cell::Change(v) | Cell::Points(v) | Cell::Days(v) => {
            v.map_or(Value::Null, |v| json!((v * 10_000.0).round() / 10_000.0))
        }
    }
}

/// The report as a JSON value.
pub fn value(report: &Report) -> Value {
    let sections: Map<String, Value> = report
        .sections
        .iter()
        .map(|s| {
            let tables: Map<String, Value> = s
                .tables
                .iter()
                .map(|t| {
                    let rows: Vec<Value> = t
                        .rows
                        .iter()
                        .map(|row| {
                            Value::Object(
                                t.columns
                                    .iter()
                                    .zip(row)
                                    .map(|(c, v)| (c.key.to_string(), cell(v)))
                                    .collect(),
                            )
                        })
                        .collect();
                    (
                        t.key.to_string(),
                        json!({
                            "title": t.title,
                            "columns": t.columns.iter().map(|c| c.key).collect::<Vec<_>>(),
                            "rows": rows,
                        }),
                    )
                })
                .collect();
            (
                s.key.to_string(),
                json!({
                    "heading": s.heading,
                    "table_order": s.tables.iter().map(|t| t.key).collect::<Vec<_>>(),
                    "sentences": s.sentences,
                    "tables": tables,
                    "charts": s.charts,
                }),
            )
        })
        .collect();
    json!({
        "kind": report.kind.code(),
        "as_of": report.as_of,
        "region": report.region,
        "region_name": report.region_name,
        "lang": report.lang,
        "title": report.title,
        "subtitle": report.subtitle,
        "period": report.period,
        "previous": report.previous,
        "last_year": report.last_year,
        "section_order": report.sections.iter().map(|s| s.key).collect::<Vec<_>>(),
        "sections": sections,
    })
}
