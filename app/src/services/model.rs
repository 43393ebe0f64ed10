//! What the catalogue, forms and requests are made of, and the rules on a form's answers
//! that need no database: types of fields, conditions, required fields, statuses.

use crate::error::{add_field_error, FieldErrors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The domain a service belongs to (the catalogue is grouped by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    Childhood,
    School,
    CivilStatus,
    Cemetery,
    Culture,
    Citizenship,
    Housing,
    Social,
    Seniors,
    Urbanism,
    Other,
}

impl Category {
    pub const ALL: [Category; 11] = [
        Category::Childhood,
        Category::School,
        Category::CivilStatus,
        Category::Cemetery,
        Category::Culture,
        Category::Citizenship,
        Category::Housing,
        Category::Social,
        Category::Seniors,
        Category::Urbanism,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Childhood => "childhood",
            Category::School => "school",
            Category::CivilStatus => "civil_status",
            Category::Cemetery => "cemetery",
            Category::Culture => "culture",
            Category::Citizenship => "citizenship",
            Category::Housing => "housing",
            Category::Social => "social",
            Category::Seniors => "seniors",
            Category::Urbanism => "urbanism",
            Category::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

/// The kinds of field an admin can put in a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldKind {
    /// A heading that starts a group of fields (no answer).
    Section,
    ShortText,
    LongText,
    Email,
    Phone,
    Date,
    Number,
    /// One option among several.
    Choice,
    /// Any number of options.
    Choices,
    /// One box to tick ("I certify…").
    Checkbox,
    /// Street, postcode, town.
    Address,
    /// PDF, JPEG or PNG files.
    File,
}

impl FieldKind {
    pub const ALL: [FieldKind; 12] = [
        FieldKind::Section,
        FieldKind::ShortText,
        FieldKind::LongText,
        FieldKind::Email,
        FieldKind::Phone,
        FieldKind::Date,
        FieldKind::Number,
        FieldKind::Choice,
        FieldKind::Choices,
        FieldKind::Checkbox,
        FieldKind::Address,
        FieldKind::File,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Section => "section",
            FieldKind::ShortText => "short_text",
            FieldKind::LongText => "long_text",
            FieldKind::Email => "email",
            FieldKind::Phone => "phone",
            FieldKind::Date => "date",
            FieldKind::Number => "number",
            FieldKind::Choice => "choice",
            FieldKind::Choices => "choices",
            FieldKind::Checkbox => "checkbox",
            FieldKind::Address => "address",
            FieldKind::File => "file",
        }
    }

    pub fn parse(raw: &str) -> Option<FieldKind> {
        FieldKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// Kinds whose options the admin lists.
    pub fn has_options(self) -> bool {
        matches!(self, FieldKind::Choice | FieldKind::Choices)
    }

    /// Kinds another field's display can depend on.
    pub fn can_be_condition(self) -> bool {
        matches!(
            self,
            FieldKind::Choice | FieldKind::Choices | FieldKind::Checkbox
        )
    }
}

/// The value a ticked checkbox posts and stores.
pub const CHECKED: &str = "oui";

/// A field shown only when an earlier field has a given value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub field: String,
    /// An option of a choice field, or [`CHECKED`] for a checkbox.
    pub value: String,
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Stable within a service across versions (`c1`, `c2`…).
    pub key: String,
    pub kind: FieldKind,
    pub label: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub condition: Option<Condition>,
}

/// One answer, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    List(Vec<String>),
    Address {
        street: String,
        postcode: String,
        city: String,
    },
}

impl Value {
    fn is_empty(&self) -> bool {
        match self {
            Value::Text(t) => t.trim().is_empty(),
            Value::List(l) => l.is_empty(),
            Value::Address {
                street,
                postcode,
                city,
            } => street.trim().is_empty() && postcode.trim().is_empty() && city.trim().is_empty(),
        }
    }

    /// The answer as one line (lists joined, address on one line).
    pub fn display(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::List(l) => l.join(", "),
            Value::Address {
                street,
                postcode,
                city,
            } => format!("{street}, {postcode} {city}"),
        }
    }

    fn has(&self, option: &str) -> bool {
        match self {
            Value::Text(t) => t == option,
            Value::List(l) => l.iter().any(|v| v == option),
            Value::Address { .. } => false,
        }
    }
}

/// Answers by field key.
pub type Answers = BTreeMap<String, Value>;

/// True when `field` is shown given the `answers` so far.
pub fn is_shown(field: &FieldDef, answers: &Answers) -> bool {
    field.condition.as_ref().is_none_or(|c| {
        answers
            .get(&c.field)
            .is_some_and(|value| value.has(&c.value))
    })
}

/// Form field names: `f.<key>` (repeated for several options), `f.<key>.street|postcode|city`
/// for an address, `file.<key>` for files.
pub fn field_name(key: &str) -> String {
    format!("f.{key}")
}

/// What a form post carried, by field name (several values for multiple choices).
pub type RawForm = BTreeMap<String, Vec<String>>;

/// The answers typed in a post, kept as typed (a draft keeps even what is not valid yet).
pub fn typed_answers(fields: &[FieldDef], raw: &RawForm) -> Answers {
    let first = |name: &str| {
        raw.get(name)
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default()
    };
    let mut out = Answers::new();
    for field in fields {
        let name = field_name(&field.key);
        let value = match field.kind {
            FieldKind::Section | FieldKind::File => continue,
            FieldKind::Choices => Value::List(
                raw.get(&name)
                    .map(|v| v.iter().filter(|s| !s.is_empty()).cloned().collect())
                    .unwrap_or_default(),
            ),
            FieldKind::Address => Value::Address {
                street: first(&format!("{name}.street")),
                postcode: first(&format!("{name}.postcode")),
                city: first(&format!("{name}.city")),
            },
            _ => Value::Text(first(&name)),
        };
        if !value.is_empty() {
            out.insert(field.key.clone(), value);
        }
    }
    out
}

/// Events of a request's timeline per page (the latest first: a long exchange of
/// messages stays quick to open).
pub const TIMELINE_PER_PAGE: u32 = 50;
pub const SHORT_TEXT_MAX: usize = 300;
pub const LONG_TEXT_MAX: usize = 5_000;

/// Checks answers for submission. `files`: how many files each file field holds.
/// Returns the answers to keep (trimmed; none for hidden fields) or the problems by
/// form field name.
pub fn check_answers(
    fields: &[FieldDef],
    answers: &Answers,
    files: &BTreeMap<String, usize>,
) -> Result<Answers, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut kept = Answers::new();
    for field in fields {
        if field.kind == FieldKind::Section {
            continue;
        }
        let name = match field.kind {
            FieldKind::File => format!("file.{}", field.key),
            _ => field_name(&field.key),
        };
        let value = answers.get(&field.key);
        let file_count = files.get(&field.key).copied().unwrap_or(0);
        let present = value.is_some_and(|v| !v.is_empty()) || file_count > 0;
        if !is_shown(field, &kept) {
            if present {
                add_field_error(&mut errors, &name, "errors.request_hidden_field");
            }
            continue;
        }
        if !present {
            if field.required {
                add_field_error(&mut errors, &name, "errors.required");
            }
            continue;
        }
        let Some(value) = value else { continue };
        match check_value(field, value) {
            Ok(value) => {
                kept.insert(field.key.clone(), value);
            }
            Err(key) => add_field_error(&mut errors, &name, key),
        }
    }
    if errors.is_empty() {
        Ok(kept)
    } else {
        Err(errors)
    }
}

fn check_value(field: &FieldDef, value: &Value) -> Result<Value, &'static str> {
    let text = |v: &Value| match v {
        Value::Text(t) => Ok(t.trim().to_owned()),
        _ => Err("errors.invalid"),
    };
    let bounded = |t: String, max: usize| {
        if t.chars().count() > max {
            Err("errors.text_too_long")
        } else if t
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            Err("errors.invalid")
        } else {
            Ok(Value::Text(t))
        }
    };
    match field.kind {
        FieldKind::Section | FieldKind::File => Err("errors.invalid"),
        FieldKind::ShortText => bounded(text(value)?, SHORT_TEXT_MAX),
        FieldKind::LongText => bounded(text(value)?, LONG_TEXT_MAX),
        FieldKind::Email => {
            let t = text(value)?;
            crate::accounts::model::Email::parse(&t)
                .map(|e| Value::Text(e.as_str().to_owned()))
                .map_err(|_| "errors.email_invalid")
        }
        FieldKind::Phone => {
            let t = text(value)?;
            let digits = t.chars().filter(char::is_ascii_digit).count();
            let allowed = t
                .chars()
                .all(|c| c.is_ascii_digit() || " +.-()".contains(c));
            if allowed && (6..=20).contains(&digits) {
                Ok(Value::Text(t))
            } else {
                Err("errors.phone_invalid")
            }
        }
        FieldKind::Date => {
            // A date field sends `2017-04-12`; without one (an old browser), people type
            // `12/04/2017`. Stored in the ISO form either way.
            let t = text(value)?;
            match crate::ui::time::parse_typed_date(&t) {
                Some(iso) if valid_date(&iso) => Ok(Value::Text(iso)),
                _ => Err("errors.date_invalid"),
            }
        }
        FieldKind::Number => {
            let t = text(value)?.replace(',', ".");
            let ok = t.len() <= 20
                && t.parse::<f64>().is_ok_and(f64::is_finite)
                && t.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
            if ok {
                Ok(Value::Text(t))
            } else {
                Err("errors.number_invalid")
            }
        }
        FieldKind::Choice => {
            let t = text(value)?;
            if field.options.contains(&t) {
                Ok(Value::Text(t))
            } else {
                Err("errors.choice_unknown")
            }
        }
        FieldKind::Choices => {
            let Value::List(list) = value else {
                return Err("errors.invalid");
            };
            let mut seen = Vec::new();
            for item in list {
                if !field.options.contains(item) {
                    return Err("errors.choice_unknown");
                }
                if !seen.contains(item) {
                    seen.push(item.clone());
                }
            }
            Ok(Value::List(seen))
        }
        FieldKind::Checkbox => {
            if text(value)? == CHECKED {
                Ok(Value::Text(CHECKED.to_owned()))
            } else {
                Err("errors.invalid")
            }
        }
        FieldKind::Address => {
            let Value::Address {
                street,
                postcode,
                city,
            } = value
            else {
                return Err("errors.invalid");
            };
            let (street, postcode, city) = (street.trim(), postcode.trim(), city.trim());
            let postcode_ok = postcode.len() == 5 && postcode.chars().all(|c| c.is_ascii_digit());
            if street.is_empty() || city.is_empty() || !postcode_ok {
                Err("errors.address_invalid")
            } else if street.chars().count() > 200 || city.chars().count() > 100 {
                Err("errors.text_too_long")
            } else {
                Ok(Value::Address {
                    street: street.to_owned(),
                    postcode: postcode.to_owned(),
                    city: city.to_owned(),
                })
            }
        }
    }
}

/// `YYYY-MM-DD` naming a real day between 1900 and 2200.
pub fn valid_date(t: &str) -> bool {
    crate::surveys::answering::is_iso_date(t)
        && t.get(..4)
            .and_then(|y| y.parse::<u32>().ok())
            .is_some_and(|y| (1900..=2200).contains(&y))
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    Draft,
    Submitted,
    InProgress,
    InfoRequested,
    Accepted,
    Refused,
    Closed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Submitted,
        Status::InProgress,
        Status::InfoRequested,
        Status::Accepted,
        Status::Refused,
        Status::Closed,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::InProgress => "in_progress",
            Status::InfoRequested => "info_requested",
            Status::Accepted => "accepted",
            Status::Refused => "refused",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The statuses an agent may move a request to from this one.
    pub fn agent_moves(self) -> &'static [Status] {
        match self {
            Status::Submitted => &[
                Status::InProgress,
                Status::InfoRequested,
                Status::Accepted,
                Status::Refused,
            ],
            Status::InProgress => &[Status::InfoRequested, Status::Accepted, Status::Refused],
            Status::InfoRequested => &[Status::InProgress, Status::Accepted, Status::Refused],
            Status::Accepted | Status::Refused => &[Status::Closed],
            Status::Draft | Status::Closed | Status::Cancelled => &[],
        }
    }

    /// Moves that must tell the resident why (a message is required).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Status::InfoRequested | Status::Accepted | Status::Refused
        )
    }

    /// The resident may still withdraw the request.
    pub fn cancellable(self) -> bool {
        matches!(self, Status::Submitted | Status::InfoRequested)
    }

    /// The resident may change the form's answers.
    pub fn editable_by_resident(self) -> bool {
        matches!(self, Status::Draft | Status::InfoRequested)
    }

    /// Still waiting for the town hall or the resident.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Submitted | Status::InProgress | Status::InfoRequested
        )
    }
}

/// How a request reached the town hall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    Web,
    Counter,
    Phone,
    Mail,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Web,
        Channel::Counter,
        Channel::Phone,
        Channel::Mail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Counter => "counter",
            Channel::Phone => "phone",
            Channel::Mail => "mail",
        }
    }

    pub fn parse(raw: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

/// A tracking number: the year and the request's rank in it (`2026-000123`).
pub fn reference(year: i64, number: i64) -> String {
    format!("{year}-{number:06}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn field(key: &str, kind: FieldKind, required: bool) -> FieldDef {
        FieldDef {
            key: key.into(),
            kind,
            label: key.into(),
            help: String::new(),
            required,
            options: vec!["Oui".into(), "Non".into()],
            condition: None,
        }
    }

    fn raw(pairs: &[(&str, &str)]) -> RawForm {
        let mut out = RawForm::new();
        for (k, v) in pairs {
            out.entry((*k).to_owned())
                .or_default()
                .push((*v).to_owned());
        }
        out
    }

    #[test]
    fn a_missing_required_answer_is_reported_on_its_field() {
        let fields = vec![field("c1", FieldKind::ShortText, true)];
        let errors = check_answers(&fields, &Answers::new(), &BTreeMap::new()).unwrap_err();
        assert_eq!(errors["f.c1"], vec!["errors.required".to_owned()]);
    }

    #[test]
    fn values_of_the_wrong_type_are_refused_field_by_field() {
        let fields = vec![
            field("d", FieldKind::Date, true),
            field("n", FieldKind::Number, true),
            field("e", FieldKind::Email, true),
            field("p", FieldKind::Phone, true),
            field("a", FieldKind::Address, true),
            field("ch", FieldKind::Choice, true),
        ];
        let typed = typed_answers(
            &fields,
            &raw(&[
                ("f.d", "2026-02-30"),
                ("f.n", "douze"),
                ("f.e", "pas-une-adresse"),
                ("f.p", "abc"),
                ("f.a.street", "1 rue Haute"),
                ("f.a.postcode", "750"),
                ("f.a.city", "Paris"),
                ("f.ch", "Peut-être"),
            ]),
        );
        let errors = check_answers(&fields, &typed, &BTreeMap::new()).unwrap_err();
        assert_eq!(errors["f.d"], vec!["errors.date_invalid".to_owned()]);
        assert_eq!(errors["f.n"], vec!["errors.number_invalid".to_owned()]);
        assert_eq!(errors["f.e"], vec!["errors.email_invalid".to_owned()]);
        assert_eq!(errors["f.p"], vec!["errors.phone_invalid".to_owned()]);
        assert_eq!(errors["f.a"], vec!["errors.address_invalid".to_owned()]);
        assert_eq!(errors["f.ch"], vec!["errors.choice_unknown".to_owned()]);
    }

    #[test]
    fn a_date_typed_day_first_is_kept_in_the_iso_form() {
        let fields = vec![field("d", FieldKind::Date, true)];
        let typed = typed_answers(&fields, &raw(&[("f.d", "12/04/2017")]));
        let kept = check_answers(&fields, &typed, &BTreeMap::new()).unwrap();
        assert_eq!(kept.get("d"), Some(&Value::Text("2017-04-12".to_owned())));
    }

    #[test]
    fn a_conditional_field_counts_only_when_its_condition_holds() {
        let mut detail = field("detail", FieldKind::ShortText, true);
        detail.condition = Some(Condition {
            field: "allergy".into(),
            value: "Oui".into(),
        });
        let fields = vec![field("allergy", FieldKind::Choice, true), detail];
        // "Non": the detail is hidden, so not required, and refused if filled in.
        let no = typed_answers(&fields, &raw(&[("f.allergy", "Non")]));
        assert!(check_answers(&fields, &no, &BTreeMap::new()).is_ok());
        let tampered = typed_answers(
            &fields,
            &raw(&[("f.allergy", "Non"), ("f.detail", "arachides")]),
        );
        let errors = check_answers(&fields, &tampered, &BTreeMap::new()).unwrap_err();
        assert_eq!(
            errors["f.detail"],
            vec!["errors.request_hidden_field".to_owned()]
        );
        // "Oui": the detail is required.
        let yes = typed_answers(&fields, &raw(&[("f.allergy", "Oui")]));
        let errors = check_answers(&fields, &yes, &BTreeMap::new()).unwrap_err();
        assert_eq!(errors["f.detail"], vec!["errors.required".to_owned()]);
    }

    #[test]
    fn a_required_file_field_is_satisfied_by_an_uploaded_file() {
        let fields = vec![field("doc", FieldKind::File, true)];
        let errors = check_answers(&fields, &Answers::new(), &BTreeMap::new()).unwrap_err();
        assert_eq!(errors["file.doc"], vec!["errors.required".to_owned()]);
        let files = BTreeMap::from([("doc".to_owned(), 1)]);
        assert!(check_answers(&fields, &Answers::new(), &files).is_ok());
    }

    #[test]
    fn good_answers_are_kept_trimmed() {
        let fields = vec![
            field("t", FieldKind::ShortText, true),
            field("m", FieldKind::Choices, false),
            field("n", FieldKind::Number, false),
            field("k", FieldKind::Checkbox, true),
        ];
        let typed = typed_answers(
            &fields,
            &raw(&[
                ("f.t", "  Léa  "),
                ("f.m", "Oui"),
                ("f.m", "Non"),
                ("f.n", "3,5"),
                ("f.k", CHECKED),
            ]),
        );
        let kept = check_answers(&fields, &typed, &BTreeMap::new()).unwrap();
        assert_eq!(kept["t"], Value::Text("Léa".into()));
        assert_eq!(kept["m"], Value::List(vec!["Oui".into(), "Non".into()]));
        assert_eq!(kept["n"], Value::Text("3.5".into()));
    }

    #[test]
    fn agents_move_requests_forward_only() {
        assert!(Status::Submitted
            .agent_moves()
            .contains(&Status::InfoRequested));
        assert!(!Status::Closed.agent_moves().contains(&Status::InProgress));
        assert!(!Status::Draft.agent_moves().contains(&Status::Accepted));
        assert!(Status::Accepted.agent_moves() == [Status::Closed]);
        assert!(Status::Refused.needs_reason());
        assert!(!Status::InProgress.cancellable());
    }

    #[test]
    fn tracking_numbers_read_year_then_rank() {
        assert_eq!(reference(2026, 123), "2026-000123");
    }

    #[test]
    fn answers_survive_a_round_trip_through_json() {
        let mut answers = Answers::new();
        answers.insert("a".into(), Value::Text("x".into()));
        answers.insert("b".into(), Value::List(vec!["y".into()]));
        answers.insert(
            "c".into(),
            Value::Address {
                street: "1 rue".into(),
                postcode: "12345".into(),
                city: "Ville".into(),
            },
        );
        let json = serde_json::to_string(&answers).unwrap();
        assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), answers);
    }
}
