//! Text folding shared by password checks and full-text search.

/// `text` without the diacritics of French ("élève" → "eleve"); other characters unchanged.
pub fn fold_accents(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// The words of `text`, lower-case, stemmed with the French Snowball stemmer, without
/// diacritics: "Les écoles" → "le ecol". Indexed by SQLite's full-text search and applied
/// to queries alike, so "écoles", "ecole" and "école" find each other.
pub fn search_words(text: &str) -> Vec<String> {
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::French);
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| fold_accents(&stemmer.stem(&word.to_lowercase())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_singular_and_accents_meet() {
        assert_eq!(search_words("écoles"), search_words("école"));
        assert_eq!(search_words("Ecole"), search_words("école"));
        assert_eq!(
            search_words("pistes cyclables"),
            search_words("piste cyclable")
        );
        assert_ne!(search_words("école"), search_words("église"));
    }
}
