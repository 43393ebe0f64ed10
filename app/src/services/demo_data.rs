//! The demo catalogue of Saint-Aubin-du-Parvis: ten services across the commune's
//! domains, each with its form, team and message templates, built through the same
//! functions as the admin pages; and one request filed by a demo resident.

use super::admin::{self, FieldChange, FieldForm, ServiceForm};
use super::service::Actor;
use crate::server::state::AppState;
use anyhow::Context;

/// (kind, label, help, required, options one per line, condition `key=value`).
type Field = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static str,
    &'static str,
);

struct DemoService {
    slug: &'static str,
    category: &'static str,
    title: &'static str,
    summary: &'static str,
    /// Words residents search with that the title does not hold.
    keywords: &'static str,
    eligibility: &'static str,
    documents: &'static str,
    processing_time: &'static str,
    cost: &'static str,
    contact: &'static str,
    retention_months: &'static str,
    fields: &'static [Field],
    templates: &'static [(&'static str, &'static str)],
}

const INFO_TEMPLATE: (&str, &str) = (
    "Pièce manquante",
    "Bonjour, pour instruire votre demande, merci d’ajouter la pièce suivante : …",
);

const SERVICES: &[DemoService] = &[
    DemoService {
        slug: "inscription-cantine",
        category: "school",
        title: "Inscription à la cantine et au périscolaire",
        keywords: "école repas restaurant scolaire garderie accueil du matin et du soir",
        summary: "Inscrire votre enfant au restaurant scolaire et à l’accueil périscolaire des écoles publiques de la commune.",
        eligibility: "Les parents ou responsables légaux d’un enfant scolarisé dans une école publique de Saint-Aubin-du-Parvis.",
        documents: "Un justificatif de domicile de moins de trois mois.\nLe projet d’accueil individualisé (PAI) si votre enfant a une allergie alimentaire.",
        processing_time: "Une semaine.",
        cost: "Gratuit ; les repas sont facturés selon votre quotient familial.",
        contact: "Service enfance-éducation, 03 12 34 56 78, du lundi au vendredi de 8 h 30 à 12 h.",
        retention_months: "36",
        fields: &[
            ("section", "L’enfant", "", false, "", ""),
            ("short_text", "Prénom et nom de l’enfant", "", true, "", ""),
            ("date", "Date de naissance", "Par exemple 14/09/2019.", true, "", ""),
            ("choice", "École", "", true, "École Jean-Jaurès\nÉcole des Tilleuls\nÉcole du Parvis", ""),
            ("section", "Restauration", "", false, "", ""),
            ("choices", "Jours de cantine", "", true, "Lundi\nMardi\nJeudi\nVendredi", ""),
            ("choice", "Votre enfant a-t-il une allergie alimentaire ?", "", true, "Oui\nNon", ""),
            ("long_text", "Précisez l’allergie", "", true, "", "c7=Oui"),
            ("file", "Projet d’accueil individualisé (PAI)", "Si vous l’avez déjà.", false, "", "c7=Oui"),
            ("section", "Justificatifs", "", false, "", ""),
            ("file", "Justificatif de domicile", "Facture d’énergie, quittance de loyer ou avis d’imposition de moins de trois mois.", true, "", ""),
            ("checkbox", "Je certifie l’exactitude des informations données", "", true, "", ""),
        ],
        templates: &[
            INFO_TEMPLATE,
            ("Inscription validée", "Bonjour, l’inscription de votre enfant est validée. Elle prend effet à la date demandée."),
        ],
    },
    DemoService {
        slug: "acte-de-naissance",
        category: "civil_status",
        title: "Copie ou extrait d’acte de naissance",
        keywords: "état civil naissance extrait copie intégrale",
        summary: "Recevoir par courrier une copie intégrale ou un extrait d’un acte de naissance dressé à Saint-Aubin-du-Parvis.",
        eligibility: "La personne concernée, ses parents, grands-parents, enfants, son conjoint ; un extrait sans filiation peut être demandé par toute personne.",
        documents: "Aucun document pour l’intéressé.",
        processing_time: "Trois jours ouvrés.",
        cost: "Gratuit.",
        contact: "Service état civil, 03 12 34 56 70.",
        retention_months: "12",
        fields: &[
            ("short_text", "Nom et prénoms de la personne concernée", "Tels qu’ils figurent sur l’acte.", true, "", ""),
            ("date", "Date de naissance", "", true, "", ""),
            ("choice", "Type de document", "", true, "Copie intégrale\nExtrait avec filiation\nExtrait sans filiation", ""),
            ("choice", "Vous êtes", "", true, "La personne concernée\nUn parent\nUn enfant\nLe conjoint\nAutre", ""),
            ("address", "Adresse d’envoi", "", true, "", ""),
        ],
        templates: &[("Acte envoyé", "Bonjour, l’acte demandé vous a été envoyé par courrier ce jour.")],
    },
    DemoService {
        slug: "place-en-creche",
        category: "childhood",
        title: "Demande de place en crèche",
        keywords: "crèche multi-accueil garde bébé petite enfance",
        summary: "Demander une place dans l’une des deux crèches municipales. Les places sont attribuées en commission, trois fois par an.",
        eligibility: "Les familles domiciliées dans la commune, dès le sixième mois de grossesse.",
        documents: "L’attestation de quotient familial de la CAF.",
        processing_time: "Réponse après la prochaine commission (mars, juin ou novembre).",
        cost: "Tarif horaire selon le barème de la CNAF.",
        contact: "Relais petite enfance, 03 12 34 56 80.",
        retention_months: "24",
        fields: &[
            ("short_text", "Prénom de l’enfant (ou « à naître »)", "", true, "", ""),
            ("date", "Date de naissance ou date prévue", "", true, "", ""),
            ("date", "Date d’entrée souhaitée", "", true, "", ""),
            ("number", "Nombre de jours d’accueil par semaine", "De 1 à 5.", true, "", ""),
            ("file", "Attestation de quotient familial", "", true, "", ""),
        ],
        templates: &[INFO_TEMPLATE],
    },
    DemoService {
        slug: "concession-cimetiere",
        category: "cemetery",
        title: "Achat ou renouvellement de concession funéraire",
        keywords: "cimetière tombe sépulture obsèques",
        summary: "Acheter une concession au cimetière communal ou renouveler une concession arrivée à échéance.",
        eligibility: "Toute personne domiciliée ou décédée dans la commune, ou ayant droit à une sépulture de famille.",
        documents: "Pour un renouvellement, le numéro de la concession.",
        processing_time: "Deux semaines.",
        cost: "15 ans : 180 € ; 30 ans : 420 € ; 50 ans : 900 €.",
        contact: "Service cimetière, 03 12 34 56 75.",
        retention_months: "1200",
        fields: &[
            ("choice", "Votre demande", "", true, "Achat\nRenouvellement", ""),
            ("choice", "Durée", "", true, "15 ans\n30 ans\n50 ans", ""),
            ("short_text", "Numéro de la concession", "Il figure sur le titre de concession.", true, "", "c1=Renouvellement"),
            ("phone", "Téléphone", "", true, "", ""),
        ],
        templates: &[INFO_TEMPLATE],
    },
    DemoService {
        slug: "inscription-mediatheque",
        category: "culture",
        title: "Inscription à la médiathèque",
        keywords: "bibliothèque livres prêt lecture carte de lecteur",
        summary: "Obtenir une carte de la médiathèque Colette pour emprunter livres, films et jeux.",
        eligibility: "Tout le monde ; les mineurs avec l’accord d’un parent.",
        documents: "Aucun ; la carte est à retirer à l’accueil.",
        processing_time: "Deux jours.",
        cost: "Gratuit pour les habitants.",
        contact: "Médiathèque Colette, 03 12 34 56 90.",
        retention_months: "12",
        fields: &[
            ("short_text", "Nom et prénom", "", true, "", ""),
            ("date", "Date de naissance", "", true, "", ""),
            ("email", "Adresse électronique", "Pour les rappels de prêts.", true, "", ""),
            ("address", "Adresse", "", true, "", ""),
        ],
        templates: &[("Carte prête", "Bonjour, votre carte est prête : vous pouvez la retirer à l’accueil de la médiathèque.")],
    },
    DemoService {
        slug: "listes-electorales",
        category: "citizenship",
        title: "Inscription sur les listes électorales",
        keywords: "élections vote voter carte électorale",
        summary: "S’inscrire sur la liste électorale de la commune après un emménagement ou à 18 ans si l’inscription n’a pas été automatique.",
        eligibility: "Les Français majeurs et les ressortissants de l’Union européenne (pour les élections municipales et européennes).",
        documents: "Une pièce d’identité en cours de validité.\nUn justificatif de domicile de moins de trois mois.",
        processing_time: "Cinq jours ; au plus tard le sixième vendredi avant un scrutin.",
        cost: "Gratuit.",
        contact: "Service élections, 03 12 34 56 71.",
        retention_months: "12",
        fields: &[
            ("choice", "Nationalité", "", true, "Française\nRessortissant de l’Union européenne", ""),
            ("date", "Date de naissance", "", true, "", ""),
            ("file", "Pièce d’identité", "", true, "", ""),
            ("file", "Justificatif de domicile", "", true, "", ""),
        ],
        templates: &[INFO_TEMPLATE],
    },
    DemoService {
        slug: "logement-social",
        category: "housing",
        title: "Demande de logement social",
        keywords: "HLM logement loyer bailleur",
        summary: "Déposer ou mettre à jour une demande de logement social auprès du service logement de la mairie.",
        eligibility: "Les ménages dont les revenus ne dépassent pas les plafonds HLM.",
        documents: "Le dernier avis d’imposition.",
        processing_time: "Enregistrement sous un mois ; l’attribution dépend des logements libérés.",
        cost: "Gratuit.",
        contact: "Service logement, 03 12 34 56 72.",
        retention_months: "60",
        fields: &[
            ("number", "Nombre de personnes dans le foyer", "", true, "", ""),
            ("number", "Revenu fiscal de référence (en euros)", "", true, "", ""),
            ("address", "Adresse actuelle", "", true, "", ""),
            ("phone", "Téléphone", "", true, "", ""),
            ("file", "Dernier avis d’imposition", "", true, "", ""),
        ],
        templates: &[INFO_TEMPLATE],
    },
    DemoService {
        slug: "aide-ccas",
        category: "social",
        title: "Demande d’aide au centre communal d’action sociale",
        keywords: "CCAS aide sociale secours précarité",
        summary: "Demander un rendez-vous ou une aide d’urgence (alimentaire, énergie) au CCAS.",
        eligibility: "Les habitants de la commune en difficulté.",
        documents: "Aucun pour une première demande.",
        processing_time: "Rappel sous 48 heures.",
        cost: "Gratuit.",
        contact: "CCAS, 03 12 34 56 73.",
        retention_months: "60",
        fields: &[
            ("long_text", "Décrivez votre situation", "Ce que vous écrivez n’est lu que par les travailleurs sociaux du CCAS.", true, "", ""),
            ("phone", "Téléphone pour vous rappeler", "", true, "", ""),
        ],
        templates: &[("Rendez-vous proposé", "Bonjour, une travailleuse sociale vous propose un rendez-vous au CCAS : …")],
    },
    DemoService {
        slug: "portage-repas",
        category: "seniors",
        title: "Portage de repas à domicile",
        keywords: "seniors personnes âgées repas à domicile",
        summary: "Recevoir des repas livrés à domicile, du lundi au vendredi.",
        eligibility: "Les personnes de plus de 65 ans ou en situation de handicap.",
        documents: "Aucun.",
        processing_time: "Une semaine.",
        cost: "De 4,50 € à 9 € le repas selon les revenus.",
        contact: "Service seniors, 03 12 34 56 74.",
        retention_months: "24",
        fields: &[
            ("address", "Adresse de livraison", "", true, "", ""),
            ("choices", "Jours de livraison", "", true, "Lundi\nMardi\nMercredi\nJeudi\nVendredi", ""),
            ("long_text", "Régime alimentaire", "Sans sel, diabétique, texture mixée…", false, "", ""),
        ],
        templates: &[INFO_TEMPLATE],
    },
    DemoService {
        slug: "occupation-voie-publique",
        category: "urbanism",
        title: "Occupation de la voie publique pour un déménagement",
        keywords: "déménagement stationnement trottoir camion arrêté de voirie",
        summary: "Réserver des places de stationnement devant chez vous le jour d’un déménagement.",
        eligibility: "Les particuliers et les entreprises de déménagement.",
        documents: "Aucun.",
        processing_time: "Dix jours avant la date.",
        cost: "Gratuit pour les particuliers.",
        contact: "Service voirie, 03 12 34 56 76.",
        retention_months: "12",
        fields: &[
            ("date", "Date du déménagement", "", true, "", ""),
            ("address", "Adresse", "", true, "", ""),
            ("number", "Longueur à réserver (en mètres)", "", true, "", ""),
        ],
        templates: &[INFO_TEMPLATE],
    },
];

/// Creates the demo catalogue when there is none yet: the number of services created.
/// `agents`: the demo agents put in every team.
pub async fn load(
    state: &AppState,
    admin_id: i64,
    agents: &[i64],
    resident: i64,
) -> anyhow::Result<usize> {
    let existing = super::catalogue_repo::list(state.db.pool(), false).await?;
    if !existing.is_empty() {
        return Ok(0);
    }
    let admin = Actor {
        id: admin_id,
        agent: false,
        admin: true,
    };
    for demo in SERVICES {
        let form = ServiceForm {
            slug: demo.slug.into(),
            category: demo.category.into(),
            title: demo.title.into(),
            summary: demo.summary.into(),
            keywords: demo.keywords.into(),
            eligibility: demo.eligibility.into(),
            documents: demo.documents.into(),
            processing_time: demo.processing_time.into(),
            cost: demo.cost.into(),
            contact: demo.contact.into(),
            retention_months: demo.retention_months.into(),
            published: true,
        };
        let id = admin::create_service(state, admin, &form)
            .await
            .map_err(|err| anyhow::anyhow!("demo service {}: {err}", demo.slug))?;
        admin::update_service(state, admin, id, &form)
            .await
            .map_err(|err| anyhow::anyhow!("publishing {}: {err}", demo.slug))?;
        for (kind, label, help, required, options, condition) in demo.fields {
            let field = FieldForm {
                kind: (*kind).into(),
                label: (*label).into(),
                help: (*help).into(),
                required: *required,
                options: (*options).into(),
                condition: (*condition).into(),
            };
            admin::change_form(state, admin, id, &FieldChange::Save(None, field))
                .await
                .map_err(|err| anyhow::anyhow!("demo field {label}: {err}"))?;
        }
        for agent in agents {
            super::catalogue_repo::add_member(state.db.pool(), id, *agent).await?;
        }
        for (title, body) in demo.templates {
            super::catalogue_repo::insert_template(state.db.pool(), id, title, body).await?;
        }
    }
    file_demo_request(state, resident).await?;
    Ok(SERVICES.len())
}

/// A resident's library card request, submitted, so that the queue is not empty.
async fn file_demo_request(state: &AppState, resident: i64) -> anyhow::Result<()> {
    use super::model::RawForm;
    use super::service::{save_form, start, Go};
    let actor = Actor {
        id: resident,
        agent: false,
        admin: false,
    };
    let id = start(state, actor, "inscription-mediatheque")
        .await
        .map_err(|err| anyhow::anyhow!("demo request: {err}"))?;
    let mut raw = RawForm::new();
    for (name, value) in [
        ("f.c1", "Yanis Benali"),
        ("f.c2", "1994-05-17"),
        ("f.c3", "yanis.benali@example.org"),
        ("f.c4.street", "12 rue des Tilleuls"),
        ("f.c4.postcode", "27320"),
        ("f.c4.city", "Saint-Aubin-du-Parvis"),
    ] {
        raw.insert(name.into(), vec![value.into()]);
    }
    save_form(state, actor, id, &raw, Vec::new(), Go::Submit)
        .await
        .map_err(|err| anyhow::anyhow!("submitting the demo request: {err}"))
        .context("demo request")?;
    Ok(())
}
