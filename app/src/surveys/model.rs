//! The vocabulary of surveys, shared by pages and server: question kinds, who may answer,
//! who sees results, a survey as residents see it, answers and conditional display.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Answers of an anonymous survey written together, at least, while it is open
/// (the pool of `surveys/pool.rs`).
pub const ANONYMITY_BATCH: usize = 5;

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuestionKind {
    Single,
    Multiple,
    Scale,
    Ranking,
    ShortText,
    LongText,
    Number,
    Date,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 8] = [
        QuestionKind::Single,
        QuestionKind::Multiple,
        QuestionKind::Scale,
        QuestionKind::Ranking,
        QuestionKind::ShortText,
        QuestionKind::LongText,
        QuestionKind::Number,
        QuestionKind::Date,
    ];

    /// Stored value, also used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::Scale => "scale",
            QuestionKind::Ranking => "ranking",
            QuestionKind::ShortText => "short_text",
            QuestionKind::LongText => "long_text",
            QuestionKind::Number => "number",
            QuestionKind::Date => "date",
        }
    }

    pub fn parse(raw: &str) -> Option<QuestionKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }

    /// Questions answered by picking listed options.
    pub fn has_choices(self) -> bool {
        matches!(
            self,
            QuestionKind::Single | QuestionKind::Multiple | QuestionKind::Ranking
        )
    }

    /// Questions whose answers can decide whether a later question or page is shown.
    pub fn can_be_condition(self) -> bool {
        matches!(self, QuestionKind::Single | QuestionKind::Multiple)
    }

    /// Questions answered in free text (moderated before public display).
    pub fn is_free_text(self) -> bool {
        matches!(self, QuestionKind::ShortText | QuestionKind::LongText)
    }
}

/// Who may answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    /// Anyone with the link: one answer per account, or per browser with a limit per
    /// network address for people not signed in.
    Link,
    /// Signed-in residents only: one answer per account.
    Residents,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Link => "link",
            Audience::Residents => "residents",
        }
    }

    pub fn parse(raw: &str) -> Option<Audience> {
        [Audience::Link, Audience::Residents]
            .into_iter()
            .find(|a| a.as_str() == raw.trim())
    }
}

/// Who sees the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResultsVisibility {
    /// Everyone, as answers come in.
    Live,
    /// Everyone, once the survey is closed.
    AfterClose,
    /// Agents only.
    Agents,
}

impl ResultsVisibility {
    pub fn as_str(self) -> &'static str {
        match self {
            ResultsVisibility::Live => "live",
            ResultsVisibility::AfterClose => "after_close",
            ResultsVisibility::Agents => "agents",
        }
    }

    pub fn parse(raw: &str) -> Option<ResultsVisibility> {
        [
            ResultsVisibility::Live,
            ResultsVisibility::AfterClose,
            ResultsVisibility::Agents,
        ]
        .into_iter()
        .find(|v| v.as_str() == raw.trim())
    }
}

/// Where a survey stands for residents at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SurveyState {
    /// Not published: only agents see it.
    Draft,
    /// Published, not open yet.
    Upcoming,
    Open,
    Closed,
}

impl SurveyState {
    /// The state of a survey at `now_ms`.
    pub fn at(published: bool, opens_at_ms: i64, closes_at_ms: i64, now_ms: i64) -> Self {
        if !published {
            SurveyState::Draft
        } else if now_ms < opens_at_ms {
            SurveyState::Upcoming
        } else if now_ms < closes_at_ms {
            SurveyState::Open
        } else {
            SurveyState::Closed
        }
    }
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub label: String,
}

/// A question with everything needed to show it and check its answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: i64,
    pub page_id: i64,
    pub position: i64,
    pub kind: QuestionKind,
    pub label: String,
    pub help: String,
    pub required: bool,
    pub min_choices: Option<i64>,
    pub max_choices: Option<i64>,
    /// Bounds of a scale (always set) or of a number (optional).
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    pub min_label: String,
    pub max_label: String,
    pub allow_other: bool,
    pub choices: Vec<Choice>,
    /// Shown only when one of these choices was picked (empty: always shown).
    pub condition: Vec<i64>,
}

impl Question {
    /// The label of one of its choices.
    pub fn choice_label(&self, id: i64) -> Option<&str> {
        self.choices
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.label.as_str())
    }
}

/// A page (section) of a survey: answered and validated as one form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub id: i64,
    pub position: i64,
    pub title: String,
    /// Shown only when one of these choices was picked on an earlier page.
    pub condition: Vec<i64>,
    pub questions: Vec<Question>,
}

/// A survey's settings, as the public and agents see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyInfo {
    pub id: i64,
    pub title: String,
    pub intro: String,
    pub opens_at_ms: i64,
    pub closes_at_ms: i64,
    pub audience: Audience,
    pub results: ResultsVisibility,
    pub anonymous: bool,
    pub published: bool,
    pub participants: i64,
    pub state: SurveyState,
}

/// A survey with its pages and questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    pub info: SurveyInfo,
    pub pages: Vec<Page>,
}

impl Survey {
    /// Every question, in order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.pages.iter().flat_map(|p| p.questions.iter())
    }

    pub fn question(&self, id: i64) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// The question a choice belongs to.
    pub fn question_of_choice(&self, choice: i64) -> Option<&Question> {
        self.questions()
            .find(|q| q.choices.iter().any(|c| c.id == choice))
    }

    /// Whether page `index` is shown given `answers`.
    pub fn page_visible(&self, index: usize, answers: &Answers) -> bool {
        self.pages
            .get(index)
            .is_some_and(|p| condition_met(&p.condition, answers))
    }

    /// Indexes of the pages shown given `answers`.
    pub fn visible_pages(&self, answers: &Answers) -> Vec<usize> {
        (0..self.pages.len())
            .filter(|&i| self.page_visible(i, answers))
            .collect()
    }

    /// Whether a page after `index` could still be shown (its condition is met, or
    /// depends on a question of page `index` or later).
    pub fn has_later_page(&self, index: usize, answers: &Answers) -> bool {
        let decided_before: BTreeSet<i64> = self
            .pages
            .iter()
            .take(index)
            .flat_map(|p| p.questions.iter().map(|q| q.id))
            .collect();
        self.pages.iter().skip(index + 1).any(|page| {
            condition_met(&page.condition, answers)
                || page.condition.iter().any(|c| {
                    self.question_of_choice(*c)
                        .is_some_and(|q| !decided_before.contains(&q.id))
                })
        })
    }
}

/// What one resident answered to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// Options picked (single: one, multiple: several), and the "other" text if given.
    Choices {
        chosen: Vec<i64>,
        other: Option<String>,
    },
    /// Every option, best first.
    Ranking(Vec<i64>),
    /// A scale value or a number.
    Number(i64),
    Text(String),
    /// `YYYY-MM-DD`.
    Date(String),
}

/// Answers by question id.
pub type Answers = BTreeMap<i64, Answer>;

/// True when `condition` is empty or one of its choices was picked in `answers`.
pub fn condition_met(condition: &[i64], answers: &Answers) -> bool {
    condition.is_empty()
        || answers.values().any(|a| match a {
            Answer::Choices { chosen, .. } => chosen.iter().any(|c| condition.contains(c)),
            _ => false,
        })
}

/// The guarantee of one answer per participant that applied to a survey.
pub fn guarantee_of(audience: Audience) -> &'static str {
    match audience {
        Audience::Residents => "account",
        Audience::Link => "browser",
    }
}

/// A survey in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyList {
    pub surveys: Vec<SurveyInfo>,
    pub page: u32,
    pub page_count: u32,
}

impl SurveyList {
    /// Page `page` of a list of `total` surveys, `per_page` a page.
    pub fn new(surveys: Vec<SurveyInfo>, total: i64, page: u32, per_page: u32) -> Self {
        let total = u32::try_from(total.max(0)).unwrap_or(u32::MAX);
        SurveyList {
            surveys,
            page,
            page_count: total.div_ceil(per_page.max(1)).max(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(id: i64, choices: &[i64], condition: &[i64]) -> Question {
        Question {
            id,
            page_id: 1,
            position: id,
            kind: QuestionKind::Single,
            label: format!("Q{id}"),
            help: String::new(),
            required: false,
            min_choices: None,
            max_choices: None,
            min_value: None,
            max_value: None,
            min_label: String::new(),
            max_label: String::new(),
            allow_other: false,
            choices: choices
                .iter()
                .map(|&id| Choice {
                    id,
                    label: format!("C{id}"),
                })
                .collect(),
            condition: condition.to_vec(),
        }
    }

    fn page(id: i64, condition: &[i64], questions: Vec<Question>) -> Page {
        Page {
            id,
            position: id,
            title: String::new(),
            condition: condition.to_vec(),
            questions,
        }
    }

    fn survey(pages: Vec<Page>) -> Survey {
        Survey {
            info: SurveyInfo {
                id: 1,
                title: "Horaires".into(),
                intro: String::new(),
                opens_at_ms: 0,
                closes_at_ms: 10,
                audience: Audience::Residents,
                results: ResultsVisibility::Live,
                anonymous: false,
                published: true,
                participants: 0,
                state: SurveyState::Open,
            },
            pages,
        }
    }

    fn picked(question: i64, choice: i64) -> Answers {
        Answers::from([(
            question,
            Answer::Choices {
                chosen: vec![choice],
                other: None,
            },
        )])
    }

    #[test]
    fn a_survey_is_open_between_its_dates_once_published() {
        assert_eq!(SurveyState::at(false, 0, 10, 5), SurveyState::Draft);
        assert_eq!(SurveyState::at(true, 5, 10, 4), SurveyState::Upcoming);
        assert_eq!(SurveyState::at(true, 5, 10, 5), SurveyState::Open);
        assert_eq!(SurveyState::at(true, 5, 10, 10), SurveyState::Closed);
    }

    #[test]
    fn a_conditional_page_shows_only_after_one_of_its_choices() {
        let s = survey(vec![
            page(1, &[], vec![question(1, &[11, 12], &[])]),
            page(2, &[11], vec![question(2, &[], &[])]),
            page(3, &[], vec![question(3, &[], &[])]),
        ]);
        assert_eq!(s.visible_pages(&picked(1, 11)), vec![0, 1, 2]);
        assert_eq!(s.visible_pages(&picked(1, 12)), vec![0, 2]);
        assert_eq!(s.visible_pages(&Answers::new()), vec![0, 2]);
    }

    #[test]
    fn a_later_page_may_still_come_while_its_condition_is_undecided() {
        let s = survey(vec![
            page(1, &[], vec![question(1, &[11, 12], &[])]),
            page(2, &[11], vec![question(2, &[], &[])]),
        ]);
        assert!(s.has_later_page(0, &Answers::new()));
        assert!(!s.has_later_page(1, &picked(1, 11)));
        let decided = survey(vec![
            page(1, &[], vec![question(1, &[11, 12], &[])]),
            page(2, &[], vec![question(2, &[], &[])]),
            page(3, &[11], vec![question(3, &[], &[])]),
        ]);
        assert!(!decided.has_later_page(1, &picked(1, 12)));
        assert!(decided.has_later_page(1, &picked(1, 11)));
    }

    #[test]
    fn kinds_and_settings_read_back_what_they_store() {
        for kind in QuestionKind::ALL {
            assert_eq!(QuestionKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Audience::parse("residents"), Some(Audience::Residents));
        assert_eq!(
            ResultsVisibility::parse("after_close"),
            Some(ResultsVisibility::AfterClose)
        );
        assert_eq!(QuestionKind::parse("essay"), None);
    }
}
