//! Searching: the words of a query, matching the documents of the small kinds, and the
//! second try with misspelt words replaced by the nearest known ones.

use super::model::{Group, Kind, Results, MAX_QUERY_CHARS, MAX_QUERY_WORDS, SMALL_KIND_HITS};
use super::sources::{self, Doc, Searched};
use crate::error::AppError;
use crate::server::state::AppState;
use crate::server::text::search_words;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

/// Words too common to narrow a search, as [`search_words`] makes them ("à" is "a").
/// A query made of them only is searched as it is.
const STOP_WORDS: &[&str] = &[
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "par",
    "pour", "sur", "un", "une", "dan", "the", "of", "an", "and", "to", "for", "in", "on",
];

/// What a query asks for: its stemmed words (at most [`MAX_QUERY_WORDS`], common words
/// left out) and the word each stem was typed as, to write a correction back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub words: Vec<String>,
    pub typed: Vec<String>,
}

impl Query {
    pub fn parse(raw: &str) -> Query {
        let raw: String = raw.chars().take(MAX_QUERY_CHARS).collect();
        let typed_words: Vec<&str> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut pairs: Vec<(String, String)> = Vec::new();
        for typed in typed_words {
            for word in search_words(typed) {
                if !pairs.iter().any(|(w, _)| *w == word) {
                    pairs.push((word, typed.to_lowercase()));
                }
            }
        }
        let meaningful: Vec<(String, String)> = pairs
            .iter()
            .filter(|(w, _)| !STOP_WORDS.contains(&w.as_str()))
            .cloned()
            .collect();
        let kept = if meaningful.is_empty() {
            pairs
        } else {
            meaningful
        };
        let (words, typed) = kept.into_iter().take(MAX_QUERY_WORDS).unzip();
        Query { words, typed }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// The stemmed words of a text, remembered: the small kinds' texts are read again on
/// every search, but seldom change. The memory is bounded (emptied past a size).
pub fn words_of(text: &str) -> Arc<[String]> {
    const MAX_BYTES: usize = 8 * 1024 * 1024;
    /// Texts and their words, and the bytes of text held.
    type Memo = Mutex<(HashMap<String, Arc<[String]>>, usize)>;
    static MEMO: OnceLock<Memo> = OnceLock::new();
    let memo = MEMO.get_or_init(|| Mutex::new((HashMap::new(), 0)));
    if let Ok(guard) = memo.lock() {
        if let Some(words) = guard.0.get(text) {
            return words.clone();
        }
    }
    let words: Arc<[String]> = search_words(text).into();
    if let Ok(mut guard) = memo.lock() {
        if guard.1 + text.len() > MAX_BYTES {
            guard.0.clear();
            guard.1 = 0;
        }
        guard.1 += text.len();
        guard.0.insert(text.to_owned(), words.clone());
    }
    words
}

/// Whether a document's word answers a query word: the same word, or, for the last word
/// of the query (still being typed: "bibli"), a longer word it begins.
fn word_matches(query_word: &str, doc_word: &str, last: bool) -> bool {
    doc_word == query_word
        || (last && query_word.chars().count() >= 3 && doc_word.starts_with(query_word))
}

/// How well `doc` answers `words`: `None` unless it holds every word; more when the
/// words are in its weightier fields (a title weighs more than a description).
pub fn score(doc: &Doc, words: &[String]) -> Option<u32> {
    score_fields(&doc.fields, words)
}

fn score_fields(fields: &[(Arc<[String]>, u32)], words: &[String]) -> Option<u32> {
    let mut total = 0;
    for (i, word) in words.iter().enumerate() {
        let last = i + 1 == words.len();
        let best = fields
            .iter()
            .filter(|(field, _)| field.iter().any(|w| word_matches(word, w, last)))
            .map(|(_, weight)| *weight)
            .max()?;
        total += best;
    }
    Some(total)
}

/// How well texts with these weights answer `words` ([`score`] without a [`Doc`]).
pub fn score_texts(words: &[String], fields: &[(&str, u32)]) -> Option<u32> {
    let fields: Vec<(Arc<[String]>, u32)> = fields.iter().map(|(t, w)| (words_of(t), *w)).collect();
    score_fields(&fields, words)
}

/// The documents answering `words`, best first (ties keep the source's order).
pub fn rank(docs: Vec<Doc>, words: &[String]) -> Vec<Doc> {
    let mut scored: Vec<(u32, usize, Doc)> = docs
        .into_iter()
        .enumerate()
        .filter_map(|(i, doc)| score(&doc, words).map(|s| (s, i, doc)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, doc)| doc).collect()
}

/// The nearest word of `vocabulary` to a misspelt `word`: one letter off for a short
/// word, two for a longer one; `None` when nothing is that near, or for words under four
/// letters (too many near neighbours to guess).
pub fn nearest<'a>(word: &str, vocabulary: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    if len < 4 {
        return None;
    }
    let allowed = if len <= 5 { 1 } else { 2 };
    vocabulary
        .filter(|v| v.chars().count().abs_diff(len) <= allowed)
        .map(|v| (strsim::levenshtein(word, v), v))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, v)| v)
}

/// The query with each word that no small kind holds replaced by its nearest neighbour,
/// and the replacement written as the document wrote it; `None` when nothing changed.
fn corrected(query: &Query, docs: &[Doc]) -> Option<(Query, String)> {
    let vocabulary: HashSet<&str> = docs
        .iter()
        .flat_map(|doc| doc.fields.iter())
        .flat_map(|(field, _)| field.iter().map(String::as_str))
        .collect();
    let known = |word: &str, last: bool| vocabulary.iter().any(|v| word_matches(word, v, last));
    let mut changed = false;
    let mut words = Vec::new();
    let mut typed = Vec::new();
    for (i, (word, as_typed)) in query.words.iter().zip(&query.typed).enumerate() {
        let last = i + 1 == query.words.len();
        match (!known(word, last))
            .then(|| nearest(word, vocabulary.iter().copied()))
            .flatten()
        {
            Some(better) => {
                changed = true;
                words.push(better.to_owned());
                typed.push(surface_of(better, docs).unwrap_or_else(|| better.to_owned()));
            }
            None => {
                words.push(word.clone());
                typed.push(as_typed.clone());
            }
        }
    }
    changed.then(|| {
        let shown = typed.join(" ");
        (Query { words, typed }, shown)
    })
}

/// How a document wrote the word that stems to `stem` ("bibliothèque"), lower-case.
fn surface_of(stem: &str, docs: &[Doc]) -> Option<String> {
    docs.iter()
        .flat_map(|doc| doc.texts.iter())
        .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
        .find(|word| search_words(word).first().map(String::as_str) == Some(stem))
        .map(str::to_lowercase)
}

/// Searches every kind for `raw`: what anyone may read (the sources read nothing else).
/// A query of up to three words that finds nothing is tried once more with its
/// misspelt words corrected.
pub async fn search(state: &AppState, raw: &str) -> Result<Results, AppError> {
    let query_text = raw.trim().chars().take(MAX_QUERY_CHARS).collect::<String>();
    let query = Query::parse(&query_text);
    if query.is_empty() {
        return Ok(Results {
            query: query_text,
            ..Results::default()
        });
    }
    let docs = sources::small_kinds(state).await?;
    let mut groups = run(state, &query, &docs).await?;
    let mut correction = None;
    if groups.is_empty() && query.words.len() <= 3 {
        if let Some((better, shown)) = corrected(&query, &docs) {
            groups = run(state, &better, &docs).await?;
            correction = Some(shown);
        }
    }
    Ok(Results {
        query: query_text,
        corrected: correction.filter(|_| !groups.is_empty()),
        groups,
    })
}

/// One pass over every kind: the groups that have hits, in [`Kind::ALL`] order.
async fn run(state: &AppState, query: &Query, docs: &[Doc]) -> Result<Vec<Group>, AppError> {
    let mut groups = Vec::new();
    for kind in Kind::ALL {
        let searched = match sources::large_kind(state, kind, query).await? {
            Some(searched) => searched,
            None => {
                let own: Vec<Doc> = docs.iter().filter(|d| d.kind == kind).cloned().collect();
                let ranked = rank(own, &query.words);
                Searched {
                    total: ranked.len() as i64,
                    hits: ranked
                        .into_iter()
                        .take(SMALL_KIND_HITS)
                        .map(|d| d.hit)
                        .collect(),
                }
            }
        };
        if searched.total > 0 {
            let more_href = (searched.total > searched.hits.len() as i64)
                .then(|| sources::list_href(kind, &query.typed.join(" ")))
                .flatten();
            groups.push(Group {
                kind,
                total: searched.total,
                hits: searched.hits,
                more_href,
            });
        }
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::model::Hit;

    fn doc(kind: Kind, title: &str, body: &str) -> Doc {
        Doc {
            kind,
            hit: Hit {
                title: title.to_owned(),
                href: String::new(),
                text: String::new(),
                when: None,
            },
            fields: vec![(words_of(title), 3), (words_of(body), 1)],
            texts: vec![title.to_owned(), body.to_owned()],
        }
    }

    #[test]
    fn a_query_keeps_its_meaningful_words_and_how_they_were_typed() {
        let query = Query::parse("Inscription à la CANTINE");
        assert_eq!(query.words, vec!["inscript", "cantin"]);
        assert_eq!(query.typed, vec!["inscription", "cantine"]);
        // Only common words: searched as they are.
        assert_eq!(Query::parse("de la").words, vec!["de", "la"]);
        assert!(Query::parse("  ?! ").is_empty());
        let long = "mot ".repeat(500);
        assert!(Query::parse(&long).words.len() <= MAX_QUERY_WORDS);
    }

    #[test]
    fn accents_case_and_plurals_do_not_matter() {
        let docs = vec![
            doc(Kind::Service, "École maternelle", ""),
            doc(Kind::Service, "Piscine", "Bassin"),
        ];
        for typed in ["ecole", "ÉCOLES", "écoles"] {
            let found = rank(docs.clone(), &Query::parse(typed).words);
            assert_eq!(found.len(), 1, "{typed}");
            assert_eq!(found[0].hit.title, "École maternelle");
        }
    }

    #[test]
    fn every_word_is_required_and_titles_weigh_more() {
        let docs = vec![
            doc(Kind::Service, "Médiathèque", "prêt de livres et de jeux"),
            doc(Kind::Service, "Ludothèque et jeux", "jeux de société"),
            doc(Kind::Service, "Livres", ""),
        ];
        let found = rank(docs.clone(), &Query::parse("jeux").words);
        let titles: Vec<&str> = found.iter().map(|d| d.hit.title.as_str()).collect();
        assert_eq!(titles, vec!["Ludothèque et jeux", "Médiathèque"]);
        let found = rank(docs, &Query::parse("livres jeux").words);
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn the_last_word_may_be_unfinished() {
        let docs = vec![doc(Kind::Facility, "Médiathèque Louise-Michel", "")];
        assert_eq!(rank(docs.clone(), &Query::parse("media").words).len(), 1);
        // Not a word in the middle of the query, and not under three letters.
        assert_eq!(
            rank(docs.clone(), &Query::parse("louise media").words).len(),
            1
        );
        assert!(rank(docs.clone(), &Query::parse("media louise").words).is_empty());
        assert!(rank(docs, &Query::parse("me").words).is_empty());
    }

    #[test]
    fn a_misspelt_word_is_replaced_by_the_nearest_known_one() {
        let docs = vec![
            doc(
                Kind::Facility,
                "Médiathèque Louise-Michel",
                "bibliothèque, livres",
            ),
            doc(Kind::Facility, "Piscine des Tilleuls", ""),
        ];
        let (better, shown) = corrected(&Query::parse("biblioteque"), &docs).expect("a correction");
        assert_eq!(shown, "bibliothèque");
        assert_eq!(rank(docs.clone(), &better.words).len(), 1);
        let (_, shown) = corrected(&Query::parse("piscne"), &docs).expect("a correction");
        assert_eq!(shown, "piscine");
        // Known words stay; words too far or too short are not guessed.
        assert!(corrected(&Query::parse("piscine"), &docs).is_none());
        assert!(corrected(&Query::parse("zzzzzzzz"), &docs).is_none());
        assert!(corrected(&Query::parse("pis"), &docs).is_none());
    }

    #[test]
    fn nearest_allows_one_letter_on_short_words_and_two_on_longer_ones() {
        let vocabulary = ["piscin", "cantin", "ecol"];
        assert_eq!(nearest("ecal", vocabulary.into_iter()), Some("ecol"));
        assert_eq!(nearest("ecxx", vocabulary.into_iter()), None);
        assert_eq!(nearest("cantni", vocabulary.into_iter()), Some("cantin"));
        assert_eq!(nearest("xyzxyz", vocabulary.into_iter()), None);
    }

    #[test]
    fn remembered_words_are_the_same_words() {
        let text = "Les écoles de la commune";
        assert_eq!(&*words_of(text), search_words(text).as_slice());
        assert_eq!(&*words_of(text), &*words_of(text));
    }
}
