//! What a results page shows, shared by pages and server.

use super::model::{QuestionKind, SurveyInfo};
use serde::{Deserialize, Serialize};

/// One bar of a chart: an option (empty label: "other") or a scale value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub count: i64,
}

/// One option of a ranking: its average place (tenths) and how often it came first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankRow {
    pub label: String,
    pub average_tenths: Option<i64>,
    pub firsts: i64,
}

/// The aggregate of one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResultBody {
    /// Options or scale values; the mean of a scale, in tenths.
    Bars {
        bars: Vec<Bar>,
        mean_tenths: Option<i64>,
    },
    Ranking {
        rows: Vec<RankRow>,
    },
    Number {
        min: Option<i64>,
        max: Option<i64>,
        mean_tenths: Option<i64>,
        median: Option<i64>,
    },
    Dates {
        earliest: Option<String>,
        latest: Option<String>,
    },
    /// Free text: see [`QuestionResult::texts`].
    Texts,
}

/// The results of one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub id: i64,
    pub label: String,
    pub kind: QuestionKind,
    /// Respondents who answered it.
    pub answered: i64,
    pub body: ResultBody,
    /// Free text (answers, or "other" texts) that may be shown, first ones.
    pub texts: Vec<String>,
    pub texts_total: i64,
    /// Free text waiting for a moderator (not shown to the public).
    pub texts_pending: i64,
}

/// An answer the results can be filtered by (`<question>:<choice>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterOption {
    pub value: String,
    pub label: String,
}

/// A survey's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Results {
    pub info: SurveyInfo,
    /// Responses counted (among the filtered ones when a filter applies).
    pub respondents: i64,
    /// Answers of an anonymous survey waiting to be written with others (not counted).
    pub pending: i64,
    pub filter: Option<String>,
    pub filter_label: Option<String>,
    pub filters: Vec<FilterOption>,
    pub questions: Vec<QuestionResult>,
}

/// A free-text answer waiting for a moderator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingText {
    /// `<response>:<question>:<item>`.
    pub key: String,
    pub question: String,
    pub text: String,
}

/// `count` out of `total` as a whole percentage, rounded.
pub fn percent(count: i64, total: i64) -> i64 {
    if total <= 0 {
        0
    } else {
        (count * 100 + total / 2) / total
    }
}

/// Tenths as a French decimal: `37` → `3,7`.
pub fn tenths(value: i64) -> String {
    format!("{},{}", value / 10, (value % 10).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_to_the_nearest_whole() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(tenths(37), "3,7");
    }
}
