//! Reading a page of answers as the form posts it: every value checked against its
//! question (existing choice, how many, bounds, dates, hidden by a condition…), errors
//! named after the question they concern, and the form's fields rebuilt from answers so
//! that nothing typed is lost.

use super::model::{
    condition_met, Answer, Answers, Page, Question, QuestionKind, Survey, SurveyInfo,
};
use crate::error::{add_field_error, FieldErrors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest short text answer, in characters.
pub const SHORT_TEXT_MAX: usize = 300;
/// Longest long text answer, in characters.
pub const LONG_TEXT_MAX: usize = 5_000;

/// The fields of one page as a form posts them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawPage {
    /// `t[<question>]`: the one value of a question (choice id or `other`, scale value,
    /// number, text, date).
    pub t: BTreeMap<String, String>,
    /// `m[<question>][<choice id>]`: ticked options of a multiple choice; choice `0` is
    /// "other" (keys stay numbers: the form decoder reads bracketed numbers as a list and
    /// refuses to mix them with words).
    pub m: BTreeMap<String, BTreeMap<String, String>>,
    /// `r[<question>][<choice id>]`: the rank given to each option of a ranking.
    pub r: BTreeMap<String, BTreeMap<String, String>>,
    /// `o[<question>]`: the "other, please specify" text.
    pub o: BTreeMap<String, String>,
}

impl RawPage {
    /// The fields as (name, value) pairs, named as in the form (`t[12]`, `m[12][40]`…).
    pub fn fields(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (q, v) in &self.t {
            out.insert(format!("t[{q}]"), v.clone());
        }
        for (q, v) in &self.o {
            out.insert(format!("o[{q}]"), v.clone());
        }
        for (prefix, map) in [("m", &self.m), ("r", &self.r)] {
            for (q, items) in map {
                for (item, v) in items {
                    out.insert(format!("{prefix}[{q}][{item}]"), v.clone());
                }
            }
        }
        out
    }
}

/// One page of the answering form as the respondent left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerPage {
    pub info: SurveyInfo,
    pub page: Page,
    /// Index of the page in the survey.
    pub index: usize,
    /// "Step `step` of `steps`", counting the pages shown given the answers so far.
    pub step: usize,
    pub steps: usize,
    /// Whether sending follows this page (no later page can be shown).
    pub last: bool,
    /// Field values to show (the draft).
    pub fields: BTreeMap<String, String>,
    /// Choices picked on earlier pages (conditions of this page's questions).
    pub earlier_choices: Vec<i64>,
}

/// Where the respondent stands: already answered, or the page to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnswerState {
    AlreadyAnswered,
    Page(Box<AnswerPage>),
}

/// The key of the "other" option among a multiple choice's ticked options.
pub const OTHER_KEY: &str = "0";

/// The name of a question's errors in [`FieldErrors`].
pub fn error_field(question: i64) -> String {
    format!("q{question}")
}

/// The form fields that show `answers` again (a draft being resumed).
pub fn fields_of(answers: &Answers) -> BTreeMap<String, String> {
    let mut raw = RawPage::default();
    for (q, answer) in answers {
        let q = q.to_string();
        match answer {
            Answer::Choices { chosen, other } => {
                // A single choice posts `t`, a multiple choice `m`: give both, each
                // control reads its own.
                let ticked = raw.m.entry(q.clone()).or_default();
                for c in chosen {
                    ticked.insert(c.to_string(), "1".into());
                }
                if let Some(text) = other {
                    ticked.insert(OTHER_KEY.into(), "1".into());
                    raw.o.insert(q.clone(), text.clone());
                    raw.t.insert(q, "other".into());
                } else if let Some(c) = chosen.first() {
                    raw.t.insert(q, c.to_string());
                }
            }
            Answer::Ranking(order) => {
                let ranks = raw.r.entry(q).or_default();
                for (i, c) in order.iter().enumerate() {
                    ranks.insert(c.to_string(), (i + 1).to_string());
                }
            }
            Answer::Number(n) => {
                raw.t.insert(q, n.to_string());
            }
            Answer::Text(text) | Answer::Date(text) => {
                raw.t.insert(q, text.clone());
            }
        }
    }
    raw.fields()
}

/// Whether required questions must be answered: when moving on or sending, yes; when
/// saving a draft or going back, no (but what was given must still be valid).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    Required,
    Partial,
}

/// The answers of page `index` read from `raw`, given the answers of the other pages
/// (`earlier`). Errors are keyed by [`error_field`]; a field that belongs to no question
/// of this page is a tampered form (`form`).
pub fn read_page(
    survey: &Survey,
    index: usize,
    earlier: &Answers,
    raw: &RawPage,
    completeness: Completeness,
) -> Result<Answers, FieldErrors> {
    let mut errors = FieldErrors::new();
    let Some(page) = survey.pages.get(index) else {
        add_field_error(&mut errors, "form", "errors.survey_tampered");
        return Err(errors);
    };
    let on_page = |key: &String| {
        key.parse::<i64>()
            .ok()
            .is_some_and(|id| page.questions.iter().any(|q| q.id == id))
    };
    let posted = raw
        .t
        .keys()
        .chain(raw.m.keys())
        .chain(raw.r.keys())
        .chain(raw.o.keys());
    if posted.into_iter().any(|k| !on_page(k)) {
        add_field_error(&mut errors, "form", "errors.survey_tampered");
        return Err(errors);
    }
    let mut so_far: Answers = earlier
        .iter()
        .filter(|(q, _)| !page.questions.iter().any(|pq| pq.id == **q))
        .map(|(q, a)| (*q, a.clone()))
        .collect();
    let mut out = Answers::new();
    for question in &page.questions {
        let field = error_field(question.id);
        let visible = condition_met(&question.condition, &so_far);
        match read_one(question, raw) {
            Err(key) => add_field_error(&mut errors, &field, key),
            Ok(Some(_)) if !visible => {
                add_field_error(&mut errors, &field, "errors.survey_hidden_question");
            }
            Ok(Some(answer)) => {
                so_far.insert(question.id, answer.clone());
                out.insert(question.id, answer);
            }
            Ok(None) => {
                if visible && question.required && completeness == Completeness::Required {
                    add_field_error(&mut errors, &field, "errors.required");
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The answers to send: answers to questions no longer shown (an earlier answer changed)
/// are dropped; a required question shown but not answered is reported with the index
/// of its page.
pub fn complete(survey: &Survey, answers: &Answers) -> Result<Answers, (usize, FieldErrors)> {
    let mut kept = Answers::new();
    for (index, page) in survey.pages.iter().enumerate() {
        if !condition_met(&page.condition, &kept) {
            continue;
        }
        let mut errors = FieldErrors::new();
        for question in &page.questions {
            if !condition_met(&question.condition, &kept) {
                continue;
            }
            match answers.get(&question.id) {
                Some(answer) => {
                    kept.insert(question.id, answer.clone());
                }
                None if question.required => {
                    add_field_error(&mut errors, &error_field(question.id), "errors.required");
                }
                None => {}
            }
        }
        if !errors.is_empty() {
            return Err((index, errors));
        }
    }
    Ok(kept)
}

fn value(map: &BTreeMap<String, String>, question: i64) -> Option<&str> {
    map.get(&question.to_string())
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
}

/// One question's answer, `None` when left empty, or the key of what is wrong.
fn read_one(question: &Question, raw: &RawPage) -> Result<Option<Answer>, &'static str> {
    let id = question.id;
    let other_text = || -> Result<String, &'static str> {
        if !question.allow_other {
            return Err("errors.choice_unknown");
        }
        let text = value(&raw.o, id).ok_or("errors.survey_other_empty")?;
        if text.chars().count() > SHORT_TEXT_MAX {
            return Err("errors.text_too_long");
        }
        Ok(text.to_owned())
    };
    let choice = |raw: &str| -> Result<i64, &'static str> {
        raw.parse::<i64>()
            .ok()
            .filter(|c| question.choices.iter().any(|choice| choice.id == *c))
            .ok_or("errors.choice_unknown")
    };
    match question.kind {
        QuestionKind::Single => match value(&raw.t, id) {
            None => Ok(None),
            Some("other") => Ok(Some(Answer::Choices {
                chosen: Vec::new(),
                other: Some(other_text()?),
            })),
            Some(v) => Ok(Some(Answer::Choices {
                chosen: vec![choice(v)?],
                other: None,
            })),
        },
        QuestionKind::Multiple => {
            let Some(ticked) = raw.m.get(&id.to_string()) else {
                return Ok(None);
            };
            let mut chosen = Vec::new();
            let mut other = None;
            for key in ticked.keys() {
                if key == OTHER_KEY {
                    other = Some(other_text()?);
                } else {
                    chosen.push(choice(key)?);
                }
            }
            let order = |c: &i64| question.choices.iter().position(|x| x.id == *c);
            chosen.sort_by_key(order);
            let count = chosen.len() as i64 + i64::from(other.is_some());
            if count == 0 {
                return Ok(None);
            }
            if question.min_choices.is_some_and(|min| count < min) {
                return Err("errors.survey_too_few");
            }
            if question.max_choices.is_some_and(|max| count > max) {
                return Err("errors.survey_too_many");
            }
            Ok(Some(Answer::Choices { chosen, other }))
        }
        QuestionKind::Ranking => {
            let Some(ranks) = raw.r.get(&id.to_string()) else {
                return Ok(None);
            };
            let mut given: Vec<(i64, i64)> = Vec::new();
            for (c, rank) in ranks {
                let c = choice(c)?;
                let rank = rank.trim();
                if rank.is_empty() {
                    continue;
                }
                let rank: i64 = rank.parse().map_err(|_| "errors.survey_ranking_invalid")?;
                given.push((rank, c));
            }
            if given.is_empty() {
                return Ok(None);
            }
            given.sort();
            let n = question.choices.len() as i64;
            let is_permutation = given.len() as i64 == n
                && given
                    .iter()
                    .enumerate()
                    .all(|(i, (r, _))| *r == i as i64 + 1);
            if !is_permutation {
                return Err("errors.survey_ranking_invalid");
            }
            Ok(Some(Answer::Ranking(
                given.into_iter().map(|(_, c)| c).collect(),
            )))
        }
        QuestionKind::Scale | QuestionKind::Number => {
            let Some(v) = value(&raw.t, id) else {
                return Ok(None);
            };
            let n: i64 = v.parse().map_err(|_| "errors.survey_number_invalid")?;
            let below = question.min_value.is_some_and(|min| n < min);
            let above = question.max_value.is_some_and(|max| n > max);
            if below || above {
                return Err("errors.survey_out_of_range");
            }
            Ok(Some(Answer::Number(n)))
        }
        QuestionKind::ShortText | QuestionKind::LongText => {
            let Some(v) = value(&raw.t, id) else {
                return Ok(None);
            };
            let max = if question.kind == QuestionKind::ShortText {
                SHORT_TEXT_MAX
            } else {
                LONG_TEXT_MAX
            };
            if v.chars().count() > max {
                return Err("errors.text_too_long");
            }
            Ok(Some(Answer::Text(v.to_owned())))
        }
        QuestionKind::Date => {
            let Some(v) = value(&raw.t, id) else {
                return Ok(None);
            };
            if is_iso_date(v) {
                Ok(Some(Answer::Date(v.to_owned())))
            } else {
                Err("errors.survey_date_invalid")
            }
        }
    }
}

/// `YYYY-MM-DD` naming a day that exists.
pub fn is_iso_date(raw: &str) -> bool {
    let parts: Vec<&str> = raw.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// A page as posted, from (name, value) pairs named as in the form (`t[12]`, `m[12][40]`).
#[cfg(test)]
pub(crate) fn raw_page(fields: &[(&str, &str)]) -> RawPage {
    let mut raw = RawPage::default();
    for (name, v) in fields {
        let parts: Vec<&str> = name.split(['[', ']']).filter(|s| !s.is_empty()).collect();
        let (v, q) = (
            (*v).to_owned(),
            parts.get(1).map(|q| (*q).to_owned()).unwrap_or_default(),
        );
        match parts.as_slice() {
            ["t", _] => {
                raw.t.insert(q, v);
            }
            ["o", _] => {
                raw.o.insert(q, v);
            }
            ["m", _, c] => {
                raw.m.entry(q).or_default().insert((*c).to_owned(), v);
            }
            ["r", _, c] => {
                raw.r.entry(q).or_default().insert((*c).to_owned(), v);
            }
            _ => panic!("not a survey field: {name}"),
        }
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surveys::model::{
        Audience, Choice, Page, ResultsVisibility, SurveyInfo, SurveyState,
    };

    fn q(id: i64, kind: QuestionKind) -> Question {
        Question {
            id,
            page_id: 1,
            position: id,
            kind,
            label: format!("Q{id}"),
            help: String::new(),
            required: true,
            min_choices: None,
            max_choices: None,
            min_value: None,
            max_value: None,
            min_label: String::new(),
            max_label: String::new(),
            allow_other: false,
            choices: Vec::new(),
            condition: Vec::new(),
        }
    }

    fn with_choices(mut question: Question, ids: &[i64]) -> Question {
        question.choices = ids
            .iter()
            .map(|&id| Choice {
                id,
                label: format!("C{id}"),
            })
            .collect();
        question
    }

    fn survey(questions: Vec<Question>) -> Survey {
        Survey {
            info: SurveyInfo {
                id: 1,
                title: "T".into(),
                intro: String::new(),
                opens_at_ms: 0,
                closes_at_ms: 1,
                audience: Audience::Residents,
                results: ResultsVisibility::Live,
                anonymous: true,
                published: true,
                participants: 0,
                state: SurveyState::Open,
            },
            pages: vec![Page {
                id: 1,
                position: 1,
                title: String::new(),
                condition: Vec::new(),
                questions,
            }],
        }
    }

    fn read(s: &Survey, fields: &[(&str, &str)]) -> Result<Answers, FieldErrors> {
        read_page(
            s,
            0,
            &Answers::new(),
            &raw_page(fields),
            Completeness::Required,
        )
    }

    fn error_of(result: Result<Answers, FieldErrors>, field: &str) -> String {
        let errors = result.expect_err("the page should be refused");
        errors[field][0].clone()
    }

    #[test]
    fn a_missing_required_answer_is_reported_next_to_its_question() {
        let s = survey(vec![with_choices(q(1, QuestionKind::Single), &[10, 11])]);
        assert_eq!(error_of(read(&s, &[]), "q1"), "errors.required");
        let partial = read_page(
            &s,
            0,
            &Answers::new(),
            &raw_page(&[]),
            Completeness::Partial,
        );
        assert_eq!(partial, Ok(Answers::new()));
    }

    #[test]
    fn a_choice_that_does_not_exist_is_refused() {
        let s = survey(vec![with_choices(q(1, QuestionKind::Single), &[10, 11])]);
        assert_eq!(
            error_of(read(&s, &[("t[1]", "99")]), "q1"),
            "errors.choice_unknown"
        );
        assert_eq!(
            error_of(read(&s, &[("t[1]", "other")]), "q1"),
            "errors.choice_unknown"
        );
        let answers = read(&s, &[("t[1]", "11")]).expect("a listed choice");
        assert_eq!(
            answers[&1],
            Answer::Choices {
                chosen: vec![11],
                other: None
            }
        );
    }

    #[test]
    fn other_please_specify_needs_its_text() {
        let mut question = with_choices(q(1, QuestionKind::Single), &[10]);
        question.allow_other = true;
        let s = survey(vec![question]);
        assert_eq!(
            error_of(read(&s, &[("t[1]", "other")]), "q1"),
            "errors.survey_other_empty"
        );
        let answers = read(&s, &[("t[1]", "other"), ("o[1]", " Le marché ")]).unwrap();
        assert_eq!(
            answers[&1],
            Answer::Choices {
                chosen: vec![],
                other: Some("Le marché".into())
            }
        );
    }

    #[test]
    fn a_multiple_choice_keeps_within_its_minimum_and_maximum() {
        let mut question = with_choices(q(1, QuestionKind::Multiple), &[10, 11, 12]);
        question.min_choices = Some(2);
        question.max_choices = Some(2);
        let s = survey(vec![question]);
        assert_eq!(
            error_of(read(&s, &[("m[1][10]", "1")]), "q1"),
            "errors.survey_too_few"
        );
        let too_many = [("m[1][10]", "1"), ("m[1][11]", "1"), ("m[1][12]", "1")];
        assert_eq!(
            error_of(read(&s, &too_many), "q1"),
            "errors.survey_too_many"
        );
        let answers = read(&s, &[("m[1][12]", "1"), ("m[1][10]", "1")]).unwrap();
        assert_eq!(
            answers[&1],
            Answer::Choices {
                chosen: vec![10, 12],
                other: None
            }
        );
    }

    #[test]
    fn numbers_and_scales_stay_within_their_bounds() {
        let mut scale = q(1, QuestionKind::Scale);
        scale.min_value = Some(1);
        scale.max_value = Some(5);
        let mut number = q(2, QuestionKind::Number);
        number.min_value = Some(0);
        number.required = false;
        let s = survey(vec![scale, number]);
        assert_eq!(
            error_of(read(&s, &[("t[1]", "6")]), "q1"),
            "errors.survey_out_of_range"
        );
        assert_eq!(
            error_of(read(&s, &[("t[1]", "3"), ("t[2]", "-1")]), "q2"),
            "errors.survey_out_of_range"
        );
        assert_eq!(
            error_of(read(&s, &[("t[1]", "3"), ("t[2]", "deux")]), "q2"),
            "errors.survey_number_invalid"
        );
        let answers = read(&s, &[("t[1]", "5"), ("t[2]", "")]).unwrap();
        assert_eq!(answers.get(&1), Some(&Answer::Number(5)));
        assert_eq!(answers.get(&2), None);
    }

    #[test]
    fn a_ranking_gives_every_option_a_different_place() {
        let s = survey(vec![with_choices(
            q(1, QuestionKind::Ranking),
            &[10, 11, 12],
        )]);
        let twice = [("r[1][10]", "1"), ("r[1][11]", "1"), ("r[1][12]", "2")];
        assert_eq!(
            error_of(read(&s, &twice), "q1"),
            "errors.survey_ranking_invalid"
        );
        let missing = [("r[1][10]", "1"), ("r[1][11]", "2"), ("r[1][12]", "")];
        assert_eq!(
            error_of(read(&s, &missing), "q1"),
            "errors.survey_ranking_invalid"
        );
        let ok = [("r[1][10]", "3"), ("r[1][11]", "1"), ("r[1][12]", "2")];
        assert_eq!(
            read(&s, &ok).unwrap()[&1],
            Answer::Ranking(vec![11, 12, 10])
        );
    }

    #[test]
    fn dates_must_exist_and_texts_have_a_length_limit() {
        let s = survey(vec![
            q(1, QuestionKind::Date),
            q(2, QuestionKind::ShortText),
        ]);
        assert_eq!(
            error_of(read(&s, &[("t[1]", "2026-02-30"), ("t[2]", "a")]), "q1"),
            "errors.survey_date_invalid"
        );
        let long = "x".repeat(SHORT_TEXT_MAX + 1);
        assert_eq!(
            error_of(read(&s, &[("t[1]", "2028-02-29"), ("t[2]", &long)]), "q2"),
            "errors.text_too_long"
        );
        assert!(is_iso_date("2028-02-29"));
        assert!(!is_iso_date("2027-02-29"));
    }

    #[test]
    fn a_question_hidden_by_its_condition_refuses_an_answer() {
        let parent = with_choices(q(1, QuestionKind::Single), &[10, 11]);
        let mut child = q(2, QuestionKind::ShortText);
        child.condition = vec![10];
        let s = survey(vec![parent, child]);
        assert_eq!(
            error_of(read(&s, &[("t[1]", "11"), ("t[2]", "Pourquoi")]), "q2"),
            "errors.survey_hidden_question"
        );
        // Hidden and left empty: not required.
        assert!(read(&s, &[("t[1]", "11")]).is_ok());
        // Shown: required.
        assert_eq!(
            error_of(read(&s, &[("t[1]", "10")]), "q2"),
            "errors.required"
        );
    }

    #[test]
    fn a_field_for_a_question_of_another_page_is_a_tampered_form() {
        let s = survey(vec![q(1, QuestionKind::ShortText)]);
        assert_eq!(
            error_of(read(&s, &[("t[1]", "a"), ("t[77]", "b")]), "form"),
            "errors.survey_tampered"
        );
    }

    #[test]
    fn a_draft_shows_again_in_the_fields_it_was_typed_in() {
        let s = survey(vec![
            with_choices(q(1, QuestionKind::Multiple), &[10, 11]),
            with_choices(q(2, QuestionKind::Ranking), &[20, 21]),
            q(3, QuestionKind::Number),
        ]);
        let fields = [
            ("m[1][11]", "1"),
            ("r[2][20]", "2"),
            ("r[2][21]", "1"),
            ("t[3]", "42"),
        ];
        let answers = read(&s, &fields).unwrap();
        let again = fields_of(&answers);
        assert_eq!(again["m[1][11]"], "1");
        assert_eq!(again["r[2][21]"], "1");
        assert_eq!(again["t[3]"], "42");
    }

    #[test]
    fn sending_drops_answers_an_earlier_change_made_irrelevant() {
        let parent = with_choices(q(1, QuestionKind::Single), &[10, 11]);
        let mut child = q(2, QuestionKind::ShortText);
        child.condition = vec![10];
        let s = survey(vec![parent, child]);
        let answers = Answers::from([
            (
                1,
                Answer::Choices {
                    chosen: vec![11],
                    other: None,
                },
            ),
            (2, Answer::Text("old".into())),
        ]);
        let kept = complete(&s, &answers).unwrap();
        assert!(!kept.contains_key(&2));
        let missing = Answers::new();
        let (page, errors) = complete(&s, &missing).unwrap_err();
        assert_eq!(page, 0);
        assert!(errors.contains_key("q1"));
    }
}
