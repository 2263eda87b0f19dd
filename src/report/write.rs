//! Writing a report: its formats, the archive file name (`daily-2026-11-24-6401.html`) and
//! writing to a file or a directory, with files only their owner may read.

use super::{Report, html, json, markdown, tables};
use std::path::{Path, PathBuf};

code_enum! {
    /// A report's file format.
    Format {
        Md = ("md", "Markdown", "Markdown"),
        Html = ("html", "HTML", "HTML"),
        Json = ("json", "JSON", "JSON"),
        Csv = ("csv", "CSV", "CSV"),
        Xlsx = ("xlsx", "Excel", "Excel"),
    }
}

/// The report in `format`, as the bytes of one file.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, String> {
    Ok(match format {
        Format::Md => markdown::render(report).into_bytes(),
        Format::Html => html::render(report).into_bytes(),
        Format::Json => {
            let mut text =
                serde_json::to_string_pretty(&json::value(report)).map_err(|e| e.to_string())?;
            text.push('\n');
            text.into_bytes()
        }
        Format::Csv => tables::csv_all(report)?,
        Format::Xlsx => tables::xlsx(report)?,
    })
}

/// The archive name of a report: kind, date and region (`daily-2026-11-24-6401.html`).
pub fn file_name(report: &Report, format: Format) -> String {
    format!(
        "{}-{}-{}.{}",
        report.kind.code(),
        report.as_of,
        report.region,
        format.code()
    )
}

/// Writes `bytes` to `path` whole or not at all: a file beside it, renamed into place.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let shown = || crate::text::sanitise(&path.display().to_string()).into_owned();
    if !dir.is_dir() {
        return Err(format!(
            "the directory {} does not exist",
            crate::text::sanitise(&dir.display().to_string())
        ));
    }
    // The error's kind, not its text: the text names the temporary file, not the one asked for.
    let failed = |e: std::io::Error| format!("cannot write {}: {}", shown(), e.kind());
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .map_err(failed)?;
    file.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

/// Writes the report to `out`: a file, or in a directory (one that exists, or a path ending in
/// `/`) under its archive name — with CSV, one file per table there. Returns the files written.
pub fn write_to(report: &Report, format: Format, out: &Path) -> Result<Vec<PathBuf>, String> {
    let is_dir = out.is_dir() || out.as_os_str().to_string_lossy().ends_with('/');
    if !is_dir {
        write_file(out, &render(report, format)?)?;
        return Ok(vec![out.to_path_buf()]);
    }
    std::fs::create_dir_all(out).map_err(|e| {
        format!(
            "cannot create {}: {e}",
            crate::text::sanitise(&out.display().to_string())
        )
    })?;
    if format != Format::Csv {
        let path = out.join(file_name(report, format));
        write_file(&path, &render(report, format)?)?;
        return Ok(vec![path]);
    }
    let mut written = Vec::new();
    for section in &report.sections {
        for t in &section.tables {
            let path = out.join(format!(
                "{}-{}-{}-{}.csv",
                report.kind.code(),
                report.as_of,
                report.region,
                t.key
            ));
            write_file(&path, &tables::csv_table(t)?)?;
            written.push(path);
        }
    }
    Ok(written)
}
