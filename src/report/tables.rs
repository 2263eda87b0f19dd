//! A report's tables as CSV (one file with every table, each under its title; or one file per
//! table) and as an Excel workbook (one sheet per section, numbers as numbers, rates as
//! percentages). Text is defused against formulas and control characters made visible.

use super::{Cell, Report, Table};
use crate::transfer::export::defuse;

fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => defuse(&crate::text::sanitise_lines(t)).into_owned(),
        Cell::Coded { code, .. } => code.clone(),
        Cell::None => String::new(),
        // Numbers unformatted, so a spreadsheet reads them as numbers.
        Cell::Count(n) => n.to_string(),
        Cell::Rate(v) | Cell::Change(v) => v.map_or_else(String::new, |v| format!("{:.4}", v)),
        Cell::Points(v) | Cell::Days(v) => v.map_or_else(String::new, |v| format!("{:.1}", v)),
    }
}

fn write_table<W: std::io::Write>(csv: &mut csv::Writer<W>, t: &Table) -> csv::Result<()> {
    csv.write_record(t.columns.iter().map(|c| c.key))?;
    for row in &t.rows {
        csv.write_record(row.iter().map(text_of))?;
    }
    Ok(())
}

/// One table as CSV (UTF-8 with BOM, a header of column keys).
pub fn csv_table(t: &Table) -> Result<Vec<u8>, String> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut csv = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        write_table(&mut csv, t).map_err(|e| e.to_string())?;
        csv.flush().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Every table in one CSV: a line `# section/table: title` before each, a blank line after.
pub fn csv_all(report: &Report) -> Result<Vec<u8>, String> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    for section in &report.sections {
        for t in &section.tables {
            let title = format!(
                "# {}/{}: {}",
                section.key,
                t.key,
                crate::text::sanitise(&t.title)
            );
            {
                let mut csv = csv::WriterBuilder::new()
                    .flexible(true)
                    .from_writer(&mut out);
                csv.write_record([title.as_str()])
                    .map_err(|e| e.to_string())?;
                write_table(&mut csv, t).map_err(|e| e.to_string())?;
                csv.flush().map_err(|e| e.to_string())?;
            }
            // A blank line between tables (a record of one empty field would be `""`).
            out.push(b'\n');
        }
    }
    Ok(out)
}

/// The report as an Excel workbook: one sheet per section, its tables one under another, each
/// with its title and headings.
pub fn xlsx(report: &Report) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let one = Format::new().set_num_format("0.0");
    let title = Format::new().set_bold().set_font_size(14);
    for section in &report.sections {
        let sheet = workbook.add_worksheet();
        // The section's heading in the report's language (Excel allows 31 characters and not
        // `[]:*?/\`).
        let name: String = section
            .heading
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(31)
            .collect();
        sheet.set_name(&name).map_err(e)?;
        sheet.set_column_width(0, 12).map_err(e)?;
        sheet.set_column_width(1, 26).map_err(e)?;
        sheet.set_column_range_width(2, 12, 13).map_err(e)?;
        sheet
            .write_string_with_format(0, 0, crate::text::sanitise(&report.title).as_ref(), &title)
            .map_err(e)?;
        sheet
            .write_string(1, 0, crate::text::sanitise(&report.subtitle).as_ref())
            .map_err(e)?;
        let mut row = 3u32;
        for s in &section.sentences {
            sheet
                .write_string(row, 0, defuse(&crate::text::sanitise(s)).as_ref())
                .map_err(e)?;
            row += 1;
        }
        row += 1;
        for t in &section.tables {
            sheet
                .write_string_with_format(row, 0, crate::text::sanitise(&t.title).as_ref(), &bold)
                .map_err(e)?;
            row += 1;
            for (c, column) in t.columns.iter().enumerate() {
                sheet
                    .write_string_with_format(
                        row,
                        c as u16,
                        crate::text::sanitise(&column.heading).as_ref(),
                        &bold,
                    )
                    .map_err(e)?;
            }
            row += 1;
            for cells in &t.rows {
                for (c, cell) in cells.iter().enumerate() {
                    let c = c as u16;
                    match cell {
                        Cell::Text(t) => {
                            sheet
                                .write_string(
                                    row,
                                    c,
                                    defuse(&crate::text::sanitise_lines(t)).as_ref(),
                                )
                                .map_err(e)?;
                        }
                        Cell::Coded { shown, .. } => {
                            sheet
                                .write_string(row, c, crate::text::sanitise(shown).as_ref())
                                .map_err(e)?;
                        }
                        Cell::Count(n) => {
                            sheet.write_number(row, c, *n as f64).map_err(e)?;
                        }
                        Cell::Rate(Some(v)) | Cell::Change(Some(v)) => {
                            sheet
                                .write_number_with_format(row, c, *v, &percent)
                                .map_err(e)?;
                        }
                        Cell::Points(Some(v)) | Cell::Days(Some(v)) => {
                            sheet
                                .write_number_with_format(row, c, *v, &one)
                                .map_err(e)?;
                        }
                        _ => {}
                    }
                }
                row += 1;
            }
            row += 1;
        }
    }
    workbook.save_to_buffer().map_err(e)
}
