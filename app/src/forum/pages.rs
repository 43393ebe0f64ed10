//! Pages of the forum: the searchable list and the form to propose an idea (a
//! proposal's own page is in `proposal_page`). Filters are a GET form and every action
//! a plain POST form: all work without JavaScript.

use super::api::{get_forum_categories, list_proposals, CreateProposal, ForumCategories};
use super::model::{Category, ProposalList, ProposalSort, ProposalStatus, ProposalSummary};
use crate::accounts::pages::AccessDenied;
use crate::auth::CurrentUserResource;
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::ui::form::{
    errors_of, query_value, title_with_error, typed, use_form_error, use_typed_values, Field,
    PostForm, SelectField, TextAreaField,
};
use crate::ui::time::{moment, Style};
use crate::ui::{encode_query, PageTitle};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

pub(super) fn name_of(category: &Category, locale: Locale) -> String {
    if locale == Locale::en {
        category.name_en.clone()
    } else {
        category.name_fr.clone()
    }
}

/// (slug, name) pairs of a drop-down list of themes or neighbourhoods.
fn category_options(list: &[Category], locale: Locale) -> Vec<(String, String)> {
    list.iter()
        .map(|c| (c.slug.clone(), name_of(c, locale)))
        .collect()
}

pub(super) fn status_label(status: ProposalStatus) -> String {
    status.words(use_i18n().get_locale()).to_owned()
}

fn sort_label(sort: ProposalSort) -> String {
    let i18n = use_i18n();
    match sort {
        ProposalSort::Newest => t_string!(i18n, forum.sort_newest),
        ProposalSort::MostSupported => t_string!(i18n, forum.sort_supported),
        ProposalSort::MostDiscussed => t_string!(i18n, forum.sort_discussed),
        ProposalSort::RecentlyAnswered => t_string!(i18n, forum.sort_answered),
    }
    .to_string()
}

fn no_errors() -> Signal<Vec<String>> {
    Signal::derive(Vec::new)
}

/// `/forum`: search, filters, sort and pages of proposals.
#[component]
pub fn ForumPage() -> impl IntoView {
    let i18n = use_i18n();
    let search = query_value("q");
    let theme = query_value("theme");
    let neighbourhood = query_value("quartier");
    let status = query_value("etat");
    let sort = query_value("tri");
    let page = query_value("page");
    let page_number = Signal::derive(move || page.get().parse::<u32>().unwrap_or(1).max(1));
    let list = Resource::new(
        move || {
            (
                search.get(),
                theme.get(),
                neighbourhood.get(),
                status.get(),
                sort.get(),
                page_number.get(),
            )
        },
        |(q, t, n, s, o, p)| list_proposals(q, t, n, s, o, p),
    );
    let categories = Resource::new(|| (), |_| get_forum_categories());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, forum.title).to_string()) />
        <h1>{t!(i18n, forum.title)}</h1>
        <p>{t!(i18n, forum.intro)}</p>
        <p><A href="/forum/proposer" attr:class="button">{t!(i18n, forum.propose)}</A></p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let categories = categories.await.unwrap_or(ForumCategories {
                    themes: Vec::new(),
                    neighbourhoods: Vec::new(),
                });
                view! { <ForumFilters categories search theme neighbourhood status sort /> }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <ProposalResults list /> }.into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
        <p class="meta">
            {t!(i18n, forum.open_data)}" "
            <a href="/forum/export.csv" rel="external">{t!(i18n, forum.open_data_csv)}</a>", "
            <a href="/forum/export.json" rel="external">{t!(i18n, forum.open_data_json)}</a>
        </p>
    }
}

/// The GET form of search words, filters and order.
#[component]
fn ForumFilters(
    categories: ForumCategories,
    search: Signal<String>,
    theme: Signal<String>,
    neighbourhood: Signal<String>,
    status: Signal<String>,
    sort: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let themes = category_options(&categories.themes, locale);
    let neighbourhoods = category_options(&categories.neighbourhoods, locale);
    let statuses: Vec<(String, String)> = ProposalStatus::ALL
        .into_iter()
        .map(|s| (s.as_str().to_owned(), status_label(s)))
        .collect();
    let sorts: Vec<(String, String)> = ProposalSort::ALL[1..]
        .iter()
        .map(|s| (s.as_param().to_owned(), sort_label(*s)))
        .collect();
    let any = Signal::derive(move || t_string!(i18n, forum.any).to_string());
    view! {
        <form method="get" action="/forum" class="filters" role="search">
            <fieldset>
                <legend>{t!(i18n, forum.search_legend)}</legend>
                <Field name="q" input_type="search" required=false
                    label=Signal::derive(move || t_string!(i18n, forum.search).to_string())
                    value=search errors=no_errors() />
                <SelectField name="theme" options=themes placeholder=any required=false
                    label=Signal::derive(move || t_string!(i18n, forum.theme).to_string())
                    value=theme errors=no_errors() />
                <SelectField name="quartier" options=neighbourhoods placeholder=any required=false
                    label=Signal::derive(move || t_string!(i18n, forum.neighbourhood).to_string())
                    value=neighbourhood errors=no_errors() />
                <SelectField name="etat" options=statuses placeholder=any required=false
                    label=Signal::derive(move || t_string!(i18n, forum.status).to_string())
                    value=status errors=no_errors() />
                <SelectField name="tri" options=sorts required=false
                    placeholder=Signal::derive(|| sort_label(ProposalSort::Newest))
                    label=Signal::derive(move || t_string!(i18n, forum.sort).to_string())
                    value=sort errors=no_errors() />
                <button type="submit" class="button">{t!(i18n, forum.apply)}</button>
            </fieldset>
        </form>
    }
}

/// The count, the proposals of this page and the links to the others.
#[component]
fn ProposalResults(list: ProposalList) -> impl IntoView {
    let i18n = use_i18n();
    let total = list.total;
    let (page, pages) = (list.page, list.page_count());
    let query = leptos_router::hooks::use_query_map();
    let page_link = move |n: u32| {
        let mut params: Vec<String> = query.with_untracked(|q| {
            ["q", "theme", "quartier", "etat", "tri"]
                .into_iter()
                .filter_map(|k| {
                    q.get(k)
                        .filter(|v| !v.is_empty())
                        .map(|v| format!("{k}={}", encode_query(&v)))
                })
                .collect()
        });
        params.push(format!("page={n}"));
        format!("/forum?{}", params.join("&"))
    };
    let empty = list.items.is_empty();
    view! {
        <p role="status" class="results-count">{t!(i18n, forum.results, count = move || total)}</p>
        {empty.then(|| view! { <p>{t!(i18n, forum.none)}</p> })}
        <ul class="cards cards--list" role="list">
            {list.items.into_iter().map(|p| view! { <li><ProposalCard proposal=p /></li> }).collect_view()}
        </ul>
        {(pages > 1).then(|| view! {
            <nav class="pagination" aria-label=t_string!(i18n, forum.pagination).to_string()>
                {(page > 1).then(|| view! { <A href=page_link(page - 1)>{t!(i18n, forum.previous)}</A> })}
                <span>{t!(i18n, forum.page_of, page = move || page, pages = move || pages)}</span>
                {(page < pages).then(|| view! { <A href=page_link(page + 1)>{t!(i18n, forum.next)}</A> })}
            </nav>
        })}
    }
}

/// The facts shown under a proposal's title, in lists and on its page (where the
/// counts change live).
#[component]
pub(super) fn ProposalMeta(
    proposal: ProposalSummary,
    #[prop(into)] supports: Signal<i64>,
    #[prop(into)] comments: Signal<i64>,
    /// The counts follow live updates (`data-live`, on the proposal's own page).
    #[prop(optional)]
    live: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let author = proposal
        .author_name
        .clone()
        .unwrap_or_else(|| t_string!(i18n, forum.former_participant).to_string());
    let at = proposal.created_at_ms;
    view! {
        <p class="meta">
            <span class="badge">{status_label(proposal.status)}</span>
            {proposal.withdrawn.then(|| view! { <span class="badge badge--muted">{t!(i18n, forum.withdrawn)}</span> })}
            " "{name_of(&proposal.theme, locale)}
            {proposal.neighbourhood.as_ref().map(|n| format!(" · {}", name_of(n, locale)))}
            " · "{t!(i18n, forum.by, name = move || author.clone())}
            " · "{t!(i18n, forum.published_on, date = move || moment(at, Style::Phrase))}
        </p>
        <p class="meta" data-live=live.then_some("proposal-counts")>
            <CountsText supports comments />
        </p>
    }
}

/// "3 soutiens" (the live region `support-count` of a proposal's page).
#[component]
pub(super) fn SupportsText(supports: i64) -> impl IntoView {
    let i18n = use_i18n();
    if supports == 0 {
        t!(i18n, forum.no_supports).into_any()
    } else {
        t!(i18n, forum.supports, count = move || supports).into_any()
    }
}

/// "3 soutiens · 2 commentaires" (the live region `proposal-counts`).
#[component]
pub(super) fn CountsText(
    #[prop(into)] supports: Signal<i64>,
    #[prop(into)] comments: Signal<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || match supports.get() {
            0 => t!(i18n, forum.no_supports).into_any(),
            n => t!(i18n, forum.supports, count = move || n).into_any(),
        }}
        " · "
        {move || match comments.get() {
            0 => t!(i18n, forum.no_comments_count).into_any(),
            n => t!(i18n, forum.comments, count = move || n).into_any(),
        }}
    }
}

#[component]
fn ProposalCard(proposal: ProposalSummary) -> impl IntoView {
    let href = format!("/forum/propositions/{}", proposal.id);
    let title = proposal.title.clone();
    let (supports, comments) = (proposal.support_count, proposal.comment_count);
    view! {
        <article class="card">
            <h2 class="card__title"><A href=href>{title}</A></h2>
            <ProposalMeta proposal supports=Signal::stored(supports) comments=Signal::stored(comments) />
        </article>
    }
}

/// `/forum/proposer`: the form to publish a proposal (signed-in residents).
#[component]
pub fn NewProposalPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_context::<CurrentUserResource>();
    let error = use_form_error(CreateProposal::url());
    let values = use_typed_values("create_proposal", error);
    let categories = Resource::new(|| (), |_| get_forum_categories());
    let restriction = Resource::new(|| (), |_| crate::moderation::api::get_posting_restriction());
    view! {
        <PageTitle text=title_with_error(error, move || t_string!(i18n, forum.new_title).to_string()) />
        <div class="narrow">
            <h1>{t!(i18n, forum.new_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    if crate::auth::signed_in(user).await.is_none() {
                        let href = "/connexion?suite=/forum/proposer";
                        return view! {
                            <p>{t!(i18n, forum.sign_in_to_propose)}</p>
                            <p><A href=href attr:class="button">{t!(i18n, nav.sign_in)}</A></p>
                        }
                        .into_any();
                    }
                    let categories = categories.await.unwrap_or(ForumCategories {
                        themes: Vec::new(),
                        neighbourhoods: Vec::new(),
                    });
                    let restriction = restriction.await.ok().flatten();
                    view! {
                        {restriction.map(|sanction| view! {
                            <crate::moderation::pages::PostingRestriction sanction />
                        })}
                        <p>{t!(i18n, forum.new_intro)}</p>
                        <PostForm once=true action=CreateProposal::url() error
                            fields=&["title", "body", "theme", "neighbourhood"]
                            submit=Signal::derive(move || t_string!(i18n, forum.publish).to_string())>
                            <ProposalFields categories error value=move |field| typed(values, field) />
                        </PostForm>
                    }
                    .into_any()
                })}
            </Suspense>
        </div>
    }
}

/// The fields of a proposal, for proposing and for editing; `value` gives each field's
/// initial value.
#[component]
pub(super) fn ProposalFields(
    categories: ForumCategories,
    error: Memo<Option<crate::error::AppError>>,
    value: impl Fn(&'static str) -> Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let themes = category_options(&categories.themes, locale);
    let neighbourhoods = category_options(&categories.neighbourhoods, locale);
    view! {
        <Field name="title"
            label=Signal::derive(move || t_string!(i18n, forum.field_title).to_string())
            hint=Signal::derive(move || t_string!(i18n, forum.field_title_hint).to_string())
            value=value("title") errors=errors_of(error, "title") />
        <TextAreaField name="body"
            label=Signal::derive(move || t_string!(i18n, forum.field_body).to_string())
            hint=Signal::derive(move || t_string!(i18n, forum.field_body_hint).to_string())
            value=value("body") errors=errors_of(error, "body") />
        <SelectField name="theme" options=themes
            placeholder=Signal::derive(move || t_string!(i18n, forum.choose_theme).to_string())
            label=Signal::derive(move || t_string!(i18n, forum.theme).to_string())
            value=value("theme") errors=errors_of(error, "theme") />
        <SelectField name="neighbourhood" options=neighbourhoods required=false
            placeholder=Signal::derive(move || t_string!(i18n, forum.no_neighbourhood).to_string())
            label=Signal::derive(move || t_string!(i18n, forum.neighbourhood).to_string())
            value=value("neighbourhood") errors=errors_of(error, "neighbourhood") />
    }
}
