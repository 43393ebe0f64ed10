//! How the page language is chosen: the `parvis_lang` cookie set by the language switch
//! wins, then the browser's `Accept-Language`, then French.

/// Cookie remembering the language picked with the switcher.
pub const LANG_COOKIE: &str = "parvis_lang";

/// Where to send the user back after switching language: only a local absolute path,
/// never another site (`//evil.example`, `https://…`) nor anything odd.
pub fn safe_return_path(next: &str) -> String {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if local {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// Reads the language cookie out of a `Cookie` header value.
pub fn lang_from_cookie_header(header: &str) -> Option<super::model::Lang> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == LANG_COOKIE)
            .then(|| super::model::Lang::parse(value))
            .flatten()
    })
}

/// The languages a request prefers: the language cookie's, else `Accept-Language`
/// ordered by quality (a comma-separated list of tags).
#[cfg(feature = "ssr")]
pub fn preferred_languages(headers: &http::HeaderMap) -> Option<String> {
    let cookie = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(lang_from_cookie_header);
    match cookie {
        Some(lang) => Some(lang.code().to_owned()),
        None => headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(preferred_by_quality),
    }
}

/// Tells leptos_i18n which languages the request prefers, the cookie first.
#[cfg(feature = "ssr")]
pub fn language_getter() -> leptos_use::UseLocalesOptions {
    use leptos::prelude::use_context;
    leptos_use::UseLocalesOptions::default().ssr_lang_header_getter(|| {
        preferred_languages(&use_context::<http::request::Parts>()?.headers)
    })
}

/// In the browser the server's choice is read back from `<html lang>`.
#[cfg(not(feature = "ssr"))]
pub fn language_getter() -> leptos_use::UseLocalesOptions {
    Default::default()
}

/// Orders an `Accept-Language` value by its q-values (leptos-use keeps header order).
pub fn preferred_by_quality(header: &str) -> String {
    let mut langs: Vec<(String, u16)> = header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.trim().split(';');
            let tag = parts.next()?.trim();
            if tag.is_empty() {
                return None;
            }
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((tag.to_owned(), (q.clamp(0.0, 1.0) * 1000.0) as u16))
        })
        .filter(|(_, q)| *q > 0)
        .collect();
    langs.sort_by_key(|(_, q)| std::cmp::Reverse(*q));
    langs
        .into_iter()
        .map(|(tag, _)| tag)
        .collect::<Vec<_>>()
        .join(",")
}

/// The plural rules of the translations ("1 soutien", "2 soutiens"; "0 soutien" in
/// French, "0 supports" in English), from the Unicode CLDR data compiled into the
/// server. `leptos_i18n` asks for them through a provider set once per process: every
/// way in (the server's state, the rendering of pages and fragments) calls this first.
/// The browser bundle renders no counts, so it needs none.
#[cfg(feature = "ssr")]
pub fn install_plural_rules() {
    use leptos_i18n::custom_provider::{set_icu_data_provider, IcuDataProvider};
    use leptos_i18n::reexports::icu::{locid, plurals, provider};

    struct CompiledPlurals;
    impl IcuDataProvider for CompiledPlurals {
        fn try_new_plural_rules(
            &self,
            locale: &locid::Locale,
            rule_type: plurals::PluralRuleType,
        ) -> Result<plurals::PluralRules, provider::DataError> {
            let options = plurals::PluralRulesOptions::default().with_type(rule_type);
            plurals::PluralRules::try_new(locale.into(), options)
        }
    }

    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| set_icu_data_provider(CompiledPlurals));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::model::Lang;

    #[test]
    fn return_path_stays_on_this_site() {
        assert_eq!(safe_return_path("/forum?page=2"), "/forum?page=2");
        assert_eq!(safe_return_path("//evil.example/x"), "/");
        assert_eq!(safe_return_path("https://evil.example"), "/");
        assert_eq!(safe_return_path("/\\evil.example"), "/");
        assert_eq!(safe_return_path(""), "/");
    }

    #[test]
    fn the_language_cookie_is_found_among_others() {
        assert_eq!(
            lang_from_cookie_header("a=1; parvis_lang=en; b=2"),
            Some(Lang::En)
        );
        assert_eq!(lang_from_cookie_header("parvis_lang=xx"), None);
        assert_eq!(lang_from_cookie_header("other=en"), None);
    }

    #[test]
    fn accept_language_is_ordered_by_quality() {
        assert_eq!(
            preferred_by_quality("de;q=0.5, en;q=0.9, fr;q=0.1"),
            "en,de,fr"
        );
        assert_eq!(preferred_by_quality("en-GB,fr;q=0"), "en-GB");
    }

    /// Every key of a translation file with its text ("forum.supports_one").
    fn texts(lang: &str) -> Vec<(String, String)> {
        fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (key, value) in map {
                        let path = if prefix.is_empty() {
                            key.clone()
                        } else {
                            format!("{prefix}.{key}")
                        };
                        walk(&path, value, out);
                    }
                }
                serde_json::Value::String(text) => out.push((prefix.to_owned(), text.clone())),
                _ => {}
            }
        }
        let path = format!("{}/locales/{lang}.json", env!("CARGO_MANIFEST_DIR"));
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut out = Vec::new();
        walk("", &json, &mut out);
        out
    }

    #[test]
    fn no_translation_writes_a_plural_in_brackets() {
        for lang in ["fr", "en"] {
            for (key, text) in texts(lang) {
                let bracketed = ["(s)", "(x)", "(es)", "(ies)", "(e)", "(les)"]
                    .iter()
                    .any(|b| text.contains(b));
                assert!(
                    !bracketed,
                    "{lang}.json {key}: « {text} » — use _one/_other keys"
                );
            }
        }
    }

    #[test]
    fn plural_keys_come_in_pairs_in_both_languages() {
        let fr = texts("fr");
        let en = texts("en");
        let keys = |texts: &[(String, String)]| {
            let mut keys: Vec<String> = texts.iter().map(|(k, _)| k.clone()).collect();
            keys.sort();
            keys
        };
        assert_eq!(keys(&fr), keys(&en), "both languages have the same keys");
        let plurals: Vec<&(String, String)> =
            fr.iter().filter(|(k, _)| k.ends_with("_one")).collect();
        assert!(plurals.len() >= 25, "{plurals:?}");
        for (key, text) in plurals {
            let stem = key.trim_end_matches("_one");
            assert!(
                fr.iter().any(|(k, _)| *k == format!("{stem}_other")),
                "{stem}_other is missing"
            );
            assert!(text.contains("{{ count }}"), "{key} does not say the count");
        }
    }

    #[test]
    fn counts_follow_each_language_s_plural_rules() {
        use crate::i18n::{td_string, Locale};
        install_plural_rules();
        let supports =
            |locale: Locale, n: i64| td_string!(locale, forum.supports, count = n).to_string();
        assert_eq!(supports(Locale::fr, 0), "0 soutien");
        assert_eq!(supports(Locale::fr, 1), "1 soutien");
        assert_eq!(supports(Locale::fr, 2), "2 soutiens");
        assert_eq!(supports(Locale::en, 0), "0 supports");
        assert_eq!(supports(Locale::en, 1), "1 support");
        assert_eq!(supports(Locale::en, 21), "21 supports");
    }
}
