//! The commune's public identity, as configured by its IT (see `.env.example`).

use serde::{Deserialize, Serialize};

/// Who publishes the portal and whom to contact; shown in the header and legal pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub commune_name: String,
    pub address: String,
    pub phone: String,
    pub contact_email: String,
    pub publication_director: String,
    pub host: String,
    pub dpo_name: String,
    pub dpo_email: String,
    pub dpo_address: String,
    /// Name of the OpenID Connect provider residents may sign in with ("FranceConnect"),
    /// when one is configured.
    pub sign_in_provider: Option<String>,
}

impl Default for SiteInfo {
    /// The fictional commune used by the demo and as the out-of-the-box configuration.
    fn default() -> Self {
        SiteInfo {
            commune_name: "Saint-Aubin-du-Parvis".into(),
            address: "Hôtel de ville, 1 place de la Mairie, 49000 Saint-Aubin-du-Parvis".into(),
            phone: "02 00 00 00 00".into(),
            contact_email: "contact@saint-aubin-du-parvis.example".into(),
            publication_director: "Le maire de Saint-Aubin-du-Parvis".into(),
            host: "Service informatique de la commune, hôtel de ville".into(),
            dpo_name: "Délégué à la protection des données de la commune".into(),
            dpo_email: "dpo@saint-aubin-du-parvis.example".into(),
            dpo_address: "DPO, Hôtel de ville, 1 place de la Mairie, 49000 Saint-Aubin-du-Parvis"
                .into(),
            sign_in_provider: None,
        }
    }
}

/// A page of the footer whose body the commune may replace with its own text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LegalPage {
    LegalNotice,
    Accessibility,
    Privacy,
    Dpo,
    /// The terms of use (versioned: see the privacy centre).
    Terms,
}

impl LegalPage {
    /// File stem of the optional override in `PARVIS_PAGES_DIR` (`<stem>.<lang>.md`).
    pub fn slug(self) -> &'static str {
        match self {
            LegalPage::LegalNotice => "mentions-legales",
            LegalPage::Accessibility => "accessibilite",
            LegalPage::Privacy => "donnees-personnelles",
            LegalPage::Dpo => "contact-dpo",
            LegalPage::Terms => "conditions-utilisation",
        }
    }
}

/// A language the portal is translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// Parses the `lang` value of a form or cookie; anything else is refused.
    pub fn parse(raw: &str) -> Option<Lang> {
        match raw.trim() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// BCP 47 code, as used in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_supported_languages_are_accepted() {
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse(" fr "), Some(Lang::Fr));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse("en; DROP TABLE"), None);
    }

    #[test]
    fn override_files_are_named_after_the_french_urls() {
        assert_eq!(LegalPage::Dpo.slug(), "contact-dpo");
        assert_eq!(LegalPage::LegalNotice.slug(), "mentions-legales");
    }
}
