//! Excel and OpenDocument workbooks (.xlsx, .xlsm, .xls, .ods), read in memory with calamine:
//! the first sheet (or one chosen) becomes the CSV text every other file is, so the rest of the
//! engine reads it as it reads any file. Cells as the sheet shows them: text as written (leading
//! zeros kept), whole numbers without a decimal point, dates as `YYYY-MM-DD`, errors as Excel
//! writes them. A number that lost its zeros is a number here too, and the file rules flag it
//! as they flag a CSV's.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WorkbookError {
    #[error("the file looks like an Excel or OpenDocument workbook but cannot be read ({0}): open it in Excel and save it as CSV UTF-8")]
    Unreadable(String),
    #[error("the workbook has no sheet named `{0}`")]
    NoSuchSheet(String),
    #[error("the workbook has no sheet")]
    NoSheet,
}

/// Whether a file's first bytes are a workbook's (a zip, as .xlsx and .ods are; or an old
/// .xls's compound file).
pub fn is_workbook(prefix: &[u8]) -> bool {
    prefix.starts_with(b"PK\x03\x04") || prefix.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// A workbook turned into CSV text: the sheets it has, and the one read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookText {
    pub sheets: Vec<String>,
    pub sheet: String,
    pub csv: Vec<u8>,
}

/// Reads sheet `sheet` (the first when `None` or empty) of the workbook in `bytes` as CSV.
pub fn to_csv(bytes: &[u8], sheet: Option<&str>) -> Result<WorkbookText, WorkbookError> {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| WorkbookError::Unreadable(e.to_string()))?;
    let sheets = wb.sheet_names().to_vec();
    let name = match sheet.filter(|s| !s.is_empty()) {
        Some(s) if sheets.iter().any(|x| x == s) => s.to_owned(),
        Some(s) => return Err(WorkbookError::NoSuchSheet(s.to_owned())),
        None => sheets.first().cloned().ok_or(WorkbookError::NoSheet)?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| WorkbookError::Unreadable(e.to_string()))?;
    let mut out = String::with_capacity(range.height() * range.width() * 8);
    let mut cells: Vec<String> = Vec::with_capacity(range.width());
    for row in range.rows() {
        cells.clear();
        cells.extend(row.iter().map(shown));
        // Trailing empty cells are the sheet's, not the row's.
        while cells.last().is_some_and(String::is_empty) && cells.len() > 1 {
            cells.pop();
        }
        crate::write::push_row(&mut out, cells.iter().map(String::as_str));
    }
    Ok(WorkbookText {
        sheets,
        sheet: name,
        csv: out.into_bytes(),
    })
}

/// A cell as the sheet shows it.
fn shown(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) if dt.is_datetime() => serial_date(dt.as_f64()),
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::Error(e) => e.to_string(),
    }
}

/// An Excel serial date (days since 1899-12-30) as `YYYY-MM-DD`.
fn serial_date(serial: f64) -> String {
    let days = serial.floor() as i64 - 25_569; // to days since 1970-01-01
                                               // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn serial_dates_are_calendar_dates() {
        assert_eq!(serial_date(45_730.0), "2025-03-14");
        assert_eq!(serial_date(1.0), "1899-12-31");
        assert_eq!(serial_date(25_569.5), "1970-01-01");
    }

    #[test]
    fn cells_show_as_the_sheet_shows_them() {
        assert_eq!(shown(&Data::Float(100_234.0)), "100234");
        assert_eq!(shown(&Data::Float(1.5)), "1.5");
        assert_eq!(shown(&Data::String("00123".into())), "00123");
        assert_eq!(shown(&Data::Bool(true)), "TRUE");
        assert_eq!(shown(&Data::Empty), "");
    }

    #[test]
    fn what_is_not_a_workbook_is_said() {
        assert!(!is_workbook(b"District ID,First"));
        assert!(matches!(
            to_csv(b"PK\x03\x04 not a zip", None),
            Err(WorkbookError::Unreadable(_))
        ));
    }
}
