//! The one CSV writer of Parvis. Every spreadsheet Parvis hands out (open data, a
//! service's queue, a survey's answers) is written through [`SafeCsv`], which neutralises
//! every cell a spreadsheet would run as a formula. `csv::Writer` itself is refused
//! elsewhere by clippy (`disallowed-types` in `app/clippy.toml`).

use crate::error::{internal, AppError};
use std::borrow::Cow;

/// A CSV document (RFC 4180, UTF-8) whose cells are all spreadsheet-safe.
pub struct SafeCsv {
    #[allow(clippy::disallowed_types)]
    out: csv::Writer<Vec<u8>>,
}

impl Default for SafeCsv {
    fn default() -> Self {
        Self::new()
    }
}

impl SafeCsv {
    #[allow(clippy::disallowed_types)]
    pub fn new() -> Self {
        SafeCsv {
            out: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// Writes one row, each cell neutralised ([`neutralise`]).
    pub fn row<I, S>(&mut self, cells: I) -> Result<(), AppError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|cell| neutralise(cell.as_ref()).into_owned())
            .collect();
        self.out.write_record(&cells).map_err(internal)
    }

    /// The document.
    pub fn finish(self) -> Result<String, AppError> {
        let bytes = self.out.into_inner().map_err(internal)?;
        String::from_utf8(bytes).map_err(internal)
    }
}

/// A cell a spreadsheet will not run: text whose first character (after any spaces) would
/// start a formula (`=`, `+`, `-`, `@`, tab, carriage return, line feed, and their
/// full-width forms) gets a leading apostrophe, OWASP's advice on CSV injection. Plain
/// numbers (`-3`, `+2.5`) stay numbers.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let first = cell.trim_start_matches(' ').chars().next();
    let risky = first.is_some_and(|c| "=+-@\t\r\n＝＋－＠".contains(c));
    let number = cell.parse::<f64>().is_ok()
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || "+-.".contains(c));
    if risky && !number {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_cell_can_become_a_spreadsheet_formula() {
        for (typed, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("  =1+1", "'  =1+1"),
            ("\t=1", "'\t=1"),
            ("＝1+1", "'＝1+1"),
            ("-3", "-3"),
            ("+2.5", "+2.5"),
            ("Le marché", "Le marché"),
            ("", ""),
        ] {
            assert_eq!(neutralise(typed), written, "{typed:?}");
        }
    }

    #[test]
    fn every_row_goes_through_the_neutraliser() {
        let mut csv = SafeCsv::new();
        csv.row(["titre", "auteur"]).unwrap();
        csv.row(["=1+1", "@Léa"]).unwrap();
        assert_eq!(csv.finish().unwrap(), "titre,auteur\n'=1+1,'@Léa\n");
    }
}
