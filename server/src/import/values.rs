//! Reading the cells of OGP files: text, numbers, flags and dates, keeping missing-value
//! codes and unreadable text apart instead of guessing.

use app::domain::MissingCode;
use chrono::NaiveDate;

/// What a cell held.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<T> {
    Empty,
    Value(T),
    Missing(MissingCode),
    /// Text that is not a value of the column's kind, kept as written.
    Unreadable(String),
}

fn missing(raw: &str) -> Option<MissingCode> {
    MissingCode::parse_label(raw)
}

pub fn text(raw: &str) -> Cell<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        Cell::Empty
    } else if let Some(code) = missing(raw) {
        Cell::Missing(code)
    } else {
        Cell::Value(raw.to_string())
    }
}

pub fn integer(raw: &str) -> Cell<i64> {
    match text(raw) {
        Cell::Value(v) => v
            .parse::<i64>()
            .map(Cell::Value)
            .unwrap_or(Cell::Unreadable(v)),
        Cell::Empty => Cell::Empty,
        Cell::Missing(code) => Cell::Missing(code),
        Cell::Unreadable(v) => Cell::Unreadable(v),
    }
}

/// A 0/1 column.
pub fn flag(raw: &str) -> Cell<bool> {
    match text(raw) {
        Cell::Value(v) => match v.as_str() {
            "1" => Cell::Value(true),
            "0" => Cell::Value(false),
            _ => Cell::Unreadable(v),
        },
        Cell::Empty => Cell::Empty,
        Cell::Missing(code) => Cell::Missing(code),
        Cell::Unreadable(v) => Cell::Unreadable(v),
    }
}

/// How a date was read.
#[derive(Clone, Debug, PartialEq)]
pub enum DateRead {
    /// Month first, as the OGP files mostly write dates (`7/1/2012`), or ISO.
    MonthFirst(NaiveDate),
    /// Only readable day first (`31/12/2014`): taken, and reported.
    DayFirst(NaiveDate),
}

/// Reads `M/D/YYYY`, `D/M/YYYY` when the first number cannot be a month, or `YYYY-MM-DD`.
/// A year alone, "Not Specified" or "Unclear" is not a date and stays unreadable.
pub fn date(raw: &str) -> Cell<DateRead> {
    let value = match text(raw) {
        Cell::Value(v) => v,
        Cell::Empty => return Cell::Empty,
        Cell::Missing(code) => return Cell::Missing(code),
        Cell::Unreadable(v) => return Cell::Unreadable(v),
    };
    // ISO dates as the forms read them, so an imported date shows in its edit form as a
    // date the form takes back.
    if let Ok(d) = app::input::date(&value, "") {
        return Cell::Value(DateRead::MonthFirst(d));
    }
    let parts: Vec<&str> = value.split('/').collect();
    if let [a, b, y] = parts.as_slice() {
        let (a, b, y) = (a.parse::<u32>(), b.parse::<u32>(), y.parse::<i32>());
        if let (Ok(a), Ok(b), Ok(y)) = (a, b, y) {
            if (1900..=2100).contains(&y) {
                if let Some(d) = NaiveDate::from_ymd_opt(y, a, b) {
                    return Cell::Value(DateRead::MonthFirst(d));
                }
                if let Some(d) = NaiveDate::from_ymd_opt(y, b, a) {
                    return Cell::Value(DateRead::DayFirst(d));
                }
            }
        }
    }
    Cell::Unreadable(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_are_month_first_unless_impossible() {
        assert_eq!(
            date("8/1/2017"),
            Cell::Value(DateRead::MonthFirst(ymd(2017, 8, 1)))
        );
        assert_eq!(
            date("07/01/2012"),
            Cell::Value(DateRead::MonthFirst(ymd(2012, 7, 1)))
        );
        assert_eq!(
            date("31/12/2014"),
            Cell::Value(DateRead::DayFirst(ymd(2014, 12, 31)))
        );
        assert_eq!(
            date("2019-06-30"),
            Cell::Value(DateRead::MonthFirst(ymd(2019, 6, 30)))
        );
    }

    #[test]
    fn non_dates_are_kept_not_guessed() {
        assert_eq!(date("2012"), Cell::Unreadable("2012".into()));
        assert_eq!(
            date("Not Specified"),
            Cell::Unreadable("Not Specified".into())
        );
        assert_eq!(date("13/13/2014"), Cell::Unreadable("13/13/2014".into()));
        // ISO dates as the forms read them: a year of four digits, no sign.
        assert_eq!(date("19-06-30"), Cell::Unreadable("19-06-30".into()));
        assert_eq!(date("+2019-06-30"), Cell::Unreadable("+2019-06-30".into()));
        assert_eq!(
            date(" 2019-6-3 "),
            Cell::Value(DateRead::MonthFirst(
                NaiveDate::from_ymd_opt(2019, 6, 3).unwrap()
            ))
        );
        assert_eq!(date("NA"), Cell::Missing(MissingCode::NotApplicable));
        assert_eq!(date(""), Cell::Empty);
    }

    #[test]
    fn flags_accept_only_zero_and_one() {
        assert_eq!(flag("1"), Cell::Value(true));
        assert_eq!(flag("0"), Cell::Value(false));
        assert_eq!(flag("ND"), Cell::Missing(MissingCode::NoData));
        assert_eq!(flag("yes"), Cell::Unreadable("yes".into()));
    }

    #[test]
    fn text_keeps_missing_codes_apart() {
        assert_eq!(text(" NR "), Cell::Missing(MissingCode::NotReviewed));
        assert_eq!(
            text("Ministry of Justice"),
            Cell::Value("Ministry of Justice".into())
        );
        assert_eq!(integer("2a"), Cell::Unreadable("2a".into()));
    }
}
