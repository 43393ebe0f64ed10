//! What a search returns: hits grouped by kind of content.

use serde::{Deserialize, Serialize};

/// A kind of content the site search reads, in the order the results page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Service,
    Facility,
    Consultation,
    Proposal,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Service,
        Kind::Facility,
        Kind::Consultation,
        Kind::Proposal,
        Kind::Page,
    ];

    /// The anchor of its group on the results page.
    pub fn anchor(self) -> &'static str {
        match self {
            Kind::Service => "demarches",
            Kind::Facility => "equipements",
            Kind::Consultation => "consultations",
            Kind::Proposal => "propositions",
            Kind::Page => "pages",
        }
    }
}

/// A date a hit shows, and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum When {
    /// A consultation open until then.
    Closes(i64),
    /// A consultation that opens then.
    Opens(i64),
    /// A consultation closed then.
    Closed(i64),
    /// A proposal published then.
    Published(i64),
}

/// One thing found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub title: String,
    pub href: String,
    /// A line saying what it is (a summary, an address), possibly empty.
    pub text: String,
    pub when: Option<When>,
}

/// The hits of one kind: the first few, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub kind: Kind,
    pub total: i64,
    pub hits: Vec<Hit>,
    /// Where the kind's own list shows them all, when the group shows only some.
    pub more_href: Option<String>,
}

/// The answer to a search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Results {
    /// The query as typed (trimmed).
    pub query: String,
    /// The query that was searched instead, when the typed one found nothing and a
    /// nearby spelling did ("bibliothèque" for "biblioteque").
    pub corrected: Option<String>,
    /// The kinds that have hits, in [`Kind::ALL`] order.
    pub groups: Vec<Group>,
}

impl Results {
    pub fn total(&self) -> i64 {
        self.groups.iter().map(|g| g.total).sum()
    }
}

/// Longest query read, in characters (the rest is ignored).
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words of a query searched.
pub const MAX_QUERY_WORDS: usize = 8;
/// Proposals shown; the group links to the forum's search for the rest.
pub const HITS_PER_KIND: usize = 5;
/// Hits shown of a small kind (services, facilities…), usually all of them.
pub const SMALL_KIND_HITS: usize = 20;
