//! The moderation vocabulary shared by pages and server: what can be flagged and why,
//! what a moderator decides, where a contribution stands, and what each page shows.

use serde::{Deserialize, Serialize};

/// What a flag or a decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemKind {
    Proposal,
    Comment,
    /// A person (sanctions).
    Account,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Proposal => "proposal",
            ItemKind::Comment => "comment",
            ItemKind::Account => "account",
        }
    }

    pub fn parse(raw: &str) -> Option<ItemKind> {
        match raw.trim() {
            "proposal" => Some(ItemKind::Proposal),
            "comment" => Some(ItemKind::Comment),
            "account" => Some(ItemKind::Account),
            _ => None,
        }
    }

    /// A contribution (what residents flag), not an account.
    pub fn parse_content(raw: &str) -> Option<ItemKind> {
        Self::parse(raw).filter(|k| *k != ItemKind::Account)
    }
}

/// Why something is flagged or hidden (the categories of the public log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reason {
    Spam,
    Abuse,
    PersonalData,
    OffTopic,
    Illegal,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::Spam,
        Reason::Abuse,
        Reason::PersonalData,
        Reason::OffTopic,
        Reason::Illegal,
        Reason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Spam => "spam",
            Reason::Abuse => "abuse",
            Reason::PersonalData => "personal_data",
            Reason::OffTopic => "off_topic",
            Reason::Illegal => "illegal",
            Reason::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Reason> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw.trim())
    }
}

/// Where a contribution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Visibility {
    #[default]
    Published,
    /// Waiting for a moderator's approval.
    Held,
    /// Hidden by moderation.
    Hidden,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Published => "published",
            Visibility::Held => "held",
            Visibility::Hidden => "hidden",
        }
    }

    pub fn parse(raw: &str) -> Visibility {
        match raw {
            "held" => Visibility::Held,
            "hidden" => Visibility::Hidden,
            _ => Visibility::Published,
        }
    }
}

/// What a moderator (or the flag threshold) decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Flags dismissed: the contribution stays (or comes back) online.
    Keep,
    Hide,
    /// Hidden automatically after enough flags, pending review.
    AutoHide,
    Restore,
    /// A held contribution published.
    Approve,
    /// A passage removed (personal data), the rest kept.
    Redact,
    Warn,
    Suspend,
    Ban,
    /// A sanction ended early.
    Lift,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::Keep,
        Action::Hide,
        Action::AutoHide,
        Action::Restore,
        Action::Approve,
        Action::Redact,
        Action::Warn,
        Action::Suspend,
        Action::Ban,
        Action::Lift,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::Hide => "hide",
            Action::AutoHide => "auto_hide",
            Action::Restore => "restore",
            Action::Approve => "approve",
            Action::Redact => "redact",
            Action::Warn => "warn",
            Action::Suspend => "suspend",
            Action::Ban => "ban",
            Action::Lift => "lift",
        }
    }

    pub fn parse(raw: &str) -> Option<Action> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw.trim())
    }

    /// Decisions a moderator takes on a contribution from the review page.
    pub const ON_CONTENT: [Action; 4] =
        [Action::Keep, Action::Hide, Action::Restore, Action::Approve];
}

/// Why a contribution is in the review queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cause {
    Flags,
    Premoderation,
    WatchedWord,
    NewAccount,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Flags => "flags",
            Cause::Premoderation => "premoderation",
            Cause::WatchedWord => "watched_word",
            Cause::NewAccount => "new_account",
        }
    }

    pub fn parse(raw: &str) -> Cause {
        match raw {
            "premoderation" => Cause::Premoderation,
            "watched_word" => Cause::WatchedWord,
            "new_account" => Cause::NewAccount,
            _ => Cause::Flags,
        }
    }
}

/// Age filter of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum AgeFilter {
    #[default]
    Any,
    /// Waiting for more than a day.
    OverDay,
    /// Waiting for more than a week.
    OverWeek,
}

impl AgeFilter {
    pub fn as_param(self) -> &'static str {
        match self {
            AgeFilter::Any => "",
            AgeFilter::OverDay => "1j",
            AgeFilter::OverWeek => "7j",
        }
    }

    pub fn parse(raw: &str) -> AgeFilter {
        match raw.trim() {
            "1j" => AgeFilter::OverDay,
            "7j" => AgeFilter::OverWeek,
            _ => AgeFilter::Any,
        }
    }

    /// Minimum waiting time in milliseconds.
    pub fn min_age_ms(self) -> i64 {
        match self {
            AgeFilter::Any => 0,
            AgeFilter::OverDay => 24 * 3_600_000,
            AgeFilter::OverWeek => 7 * 24 * 3_600_000,
        }
    }
}

/// The queue's filters and page.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QueueFilter {
    pub kind: Option<ItemKind>,
    pub reason: Option<Reason>,
    pub age: AgeFilter,
    pub page: u32,
}

/// A contribution waiting in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub kind: ItemKind,
    pub id: i64,
    pub proposal_id: i64,
    pub proposal_title: String,
    pub author_name: Option<String>,
    /// The start of its current text.
    pub excerpt: String,
    pub visibility: Visibility,
    pub cause: Cause,
    pub reason: Option<Reason>,
    pub flag_count: i64,
    pub entered_at_ms: i64,
}

/// A page of the queue, and the appeals waiting for a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub total: i64,
    pub page: u32,
    pub page_count: u32,
    pub appeals: Vec<AppealSummary>,
}

/// An appeal waiting for a moderator, with the decision it contests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealSummary {
    pub appeal: AppealView,
    pub kind: ItemKind,
    pub item_id: i64,
    pub action: Action,
    pub reason: Option<Reason>,
}

/// One flag as moderators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagView {
    pub reason: Reason,
    pub detail: String,
    /// The text as it was when flagged.
    pub snapshot: String,
    pub created_at_ms: i64,
    pub open: bool,
}

/// A decision as the public log and the review page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    pub id: i64,
    pub kind: ItemKind,
    pub action: Action,
    pub reason: Option<Reason>,
    pub rule: String,
    pub note: String,
    pub created_at_ms: i64,
    /// Taken on an appeal.
    pub on_appeal: bool,
    /// Moderators only: who took it.
    pub moderator: Option<String>,
}

/// A contribution's review page: the item, its thread, its flags, its author's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub kind: ItemKind,
    pub id: i64,
    pub proposal_id: i64,
    pub proposal_title: String,
    /// The proposal's text (a proposal's review) or the comment's (a comment's review).
    pub body_html: String,
    pub body: String,
    /// For a reply: the comment it answers.
    pub parent_html: Option<String>,
    /// For a comment: the replies it received (their text).
    pub replies_html: Vec<String>,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// The author is an administrator: moderators may not act on it.
    pub author_is_admin: bool,
    /// The moderator looking holds the administrator role too (and so may judge an
    /// administrator's contribution).
    #[serde(default)]
    pub viewer_is_admin: bool,
    pub visibility: Visibility,
    pub cause: Option<Cause>,
    pub flags: Vec<FlagView>,
    pub history: Vec<DecisionView>,
    /// Decisions on the author's other contributions and on their account.
    pub author_record: Vec<DecisionView>,
    pub author_sanction: Option<SanctionView>,
    pub open_appeal: Option<AppealView>,
}

/// An appeal, for the moderator settling it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealView {
    pub id: i64,
    pub text: String,
    pub created_at_ms: i64,
    /// The viewer took the decision appealed against.
    pub own_decision: bool,
}

/// A sanction in force on an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SanctionView {
    pub kind: SanctionKind,
    pub reason: Reason,
    pub note: String,
    pub created_at_ms: i64,
    /// `None` for a warning or a ban.
    pub ends_at_ms: Option<i64>,
}

/// A sanction's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SanctionKind {
    Warning,
    Suspension,
    Ban,
}

impl SanctionKind {
    pub const ALL: [SanctionKind; 3] = [
        SanctionKind::Warning,
        SanctionKind::Suspension,
        SanctionKind::Ban,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SanctionKind::Warning => "warning",
            SanctionKind::Suspension => "suspension",
            SanctionKind::Ban => "ban",
        }
    }

    pub fn parse(raw: &str) -> Option<SanctionKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }

    /// Whether it stops its holder from posting.
    pub fn blocks_posting(self) -> bool {
        self != SanctionKind::Warning
    }
}

/// A decision about one of a resident's contributions, as they see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyDecision {
    pub decision: DecisionView,
    pub item_id: i64,
    pub proposal_id: Option<i64>,
    pub proposal_title: Option<String>,
    /// They may still appeal it.
    pub appealable: bool,
    /// Their appeal, if any: `None` while waiting, `Some(true)` when the decision was
    /// upheld, `Some(false)` when it was overturned.
    pub appeal: Option<Option<bool>>,
}

/// `/mon-espace/moderation`: decisions about the resident's contributions, their
/// sanctions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyModeration {
    pub decisions: Vec<MyDecision>,
    /// Sanctions in force or past (newest first).
    pub sanctions: Vec<SanctionRecord>,
}

/// A sanction with whether it is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SanctionRecord {
    pub sanction: SanctionView,
    pub in_force: bool,
}

/// A page of the public log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogPage {
    pub entries: Vec<DecisionView>,
    pub page: u32,
    pub page_count: u32,
}

/// Moderation rules the commune may tune (`PARVIS_MODERATION_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationSettings {
    /// Flags from distinct residents that hide a contribution pending review.
    pub auto_hide_flags: i64,
    /// A new account's first contributions wait for approval (0: none do).
    pub premoderate_first: i64,
    /// How long an account counts as new.
    pub new_account_ms: i64,
    /// Proposals a new account may publish.
    pub new_account_proposals: i64,
    /// Comments a new account may post.
    pub new_account_comments: i64,
    /// Minimum time between two contributions of a new account.
    pub new_account_interval_ms: i64,
}

impl Default for ModerationSettings {
    fn default() -> Self {
        ModerationSettings {
            auto_hide_flags: 3,
            premoderate_first: 0,
            new_account_ms: 24 * 3_600_000,
            new_account_proposals: 3,
            new_account_comments: 10,
            new_account_interval_ms: 30_000,
        }
    }
}

pub const QUEUE_PAGE_SIZE: u32 = 20;
pub const LOG_PAGE_SIZE: u32 = 50;
pub const FLAG_DETAIL_MAX_CHARS: usize = 1_000;
pub const NOTE_MAX_CHARS: usize = 2_000;
pub const RULE_MAX_CHARS: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_read_back() {
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.as_str()), Some(r));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        for k in SanctionKind::ALL {
            assert_eq!(SanctionKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ItemKind::parse_content("account"), None);
        assert_eq!(Reason::parse("'; DROP"), None);
    }

    #[test]
    fn only_suspensions_and_bans_stop_posting() {
        assert!(!SanctionKind::Warning.blocks_posting());
        assert!(SanctionKind::Suspension.blocks_posting());
        assert!(SanctionKind::Ban.blocks_posting());
    }
}
