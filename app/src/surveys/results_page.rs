//! `/consultations/:id/resultats`: per question a server-drawn SVG chart with its text
//! summary and the equivalent data table, free text (approved by a moderator for the
//! public), and a filter by one answer.

use super::api::get_results;
use super::pages::{survey_id, Guarantees, SurveyFacts};
use super::results_model::{percent, tenths, Bar, QuestionResult, ResultBody, Results};
use crate::accounts::pages::AccessDenied;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::query_value;
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ResultsPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = survey_id();
    let filter = query_value("filtre");
    let results = Resource::new(
        move || (id.get(), filter.get()),
        |(id, f)| get_results(id, f),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match results.await {
                    Ok((results, agent)) => view! { <ResultsBody results agent /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, surveys.results_title).to_string()) />
                        <h1>{t!(i18n, surveys.results_title)}</h1>
                        <AccessDenied error />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ResultsBody(results: Results, agent: bool) -> impl IntoView {
    let i18n = use_i18n();
    let info = results.info.clone();
    let id = info.id;
    let title = format!(
        "{} – {}",
        info.title,
        t_string!(i18n, surveys.results_title)
    );
    let n = results.respondents;
    let pending = results.pending;
    let current = results.filter.clone().unwrap_or_default();
    let filter_label = results.filter_label.clone();
    let questions = results.questions.clone();
    view! {
        <PageTitle text=Signal::derive(move || title.clone()) />
        <h1>{info.title.clone()}" – "{t!(i18n, surveys.results_title)}</h1>
        <SurveyFacts info=info.clone() />
        <Guarantees info=info.clone() />
        {(!results.filters.is_empty()).then(|| view! {
            <form class="filters" method="get" action=format!("/consultations/{id}/resultats")>
                <div class="field">
                    <label for="champ-filtre">{t!(i18n, surveys.filter_label)}</label>
                    <select id="champ-filtre" name="filtre">
                        <option value="">{t!(i18n, surveys.filter_none)}</option>
                        {results.filters.iter().map(|f| {
                            let selected = f.value == current;
                            view! { <option value=f.value.clone() selected=selected>{f.label.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button button--secondary">{t!(i18n, surveys.filter_apply)}</button>
            </form>
        })}
        {filter_label.map(|label| view! {
            <p class="alert" role="status">{t!(i18n, surveys.filtered_by, answer = move || label.clone())}</p>
        })}
        <p>{t!(i18n, surveys.respondents, count = move || n)}</p>
        {(pending > 0).then(|| view! {
            <p class="meta">{t!(i18n, surveys.pending_batch, count = move || pending, batch = move || super::model::ANONYMITY_BATCH)}</p>
        })}
        <p>
            <a href=format!("/consultations/{id}/resultats.json")>{t!(i18n, surveys.open_data)}</a>
            {agent.then(|| view! {
                " · "<a href=format!("/consultations/{id}/reponses.csv")>{t!(i18n, surveys.export_csv)}</a>
                " · "<A href=format!("/consultations/gestion/{id}")>{t!(i18n, surveys.manage)}</A>
                " · "<A href=format!("/consultations/{id}/relecture")>{t!(i18n, surveys.review_link)}</A>
            })}
        </p>
        {questions.into_iter().map(|q| view! { <QuestionResultView q agent /> }).collect_view()}
    }
}

#[component]
fn QuestionResultView(q: QuestionResult, agent: bool) -> impl IntoView {
    let i18n = use_i18n();
    let answered = q.answered;
    let heading_id = format!("resultat-{}", q.id);
    let body = match q.body.clone() {
        ResultBody::Bars { bars, mean_tenths } => {
            let bars: Vec<Bar> = bars
                .into_iter()
                .map(|b| Bar {
                    label: if b.label.is_empty() { t_string!(i18n, surveys.other).to_string() } else { b.label },
                    count: b.count,
                })
                .collect();
            view! {
                <BarChart bars=bars.clone() total=answered id=q.id />
                {mean_tenths.map(|m| view! { <p>{t!(i18n, surveys.mean, value = move || tenths(m))}</p> })}
                <BarTable bars total=answered caption=q.label.clone() />
            }
            .into_any()
        }
        ResultBody::Ranking { rows } => view! {
            <table class="table">
                <caption>{q.label.clone()}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, surveys.option)}</th>
                    <th scope="col">{t!(i18n, surveys.average_rank)}</th>
                    <th scope="col">{t!(i18n, surveys.first_places)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr><th scope="row">{r.label}</th>
                        <td>{r.average_tenths.map(tenths).unwrap_or_else(|| "–".into())}</td>
                        <td>{r.firsts}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
        ResultBody::Number { min, max, mean_tenths, median } => {
            let show = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "–".into());
            view! {
                <dl class="facts">
                    <dt>{t!(i18n, surveys.min)}</dt><dd>{show(min)}</dd>
                    <dt>{t!(i18n, surveys.median)}</dt><dd>{show(median)}</dd>
                    <dt>{t!(i18n, surveys.mean_short)}</dt><dd>{mean_tenths.map(tenths).unwrap_or_else(|| "–".into())}</dd>
                    <dt>{t!(i18n, surveys.max)}</dt><dd>{show(max)}</dd>
                </dl>
            }
            .into_any()
        }
        ResultBody::Dates { earliest, latest } => view! {
            <dl class="facts">
                <dt>{t!(i18n, surveys.earliest)}</dt><dd>{earliest.unwrap_or_else(|| "–".into())}</dd>
                <dt>{t!(i18n, surveys.latest)}</dt><dd>{latest.unwrap_or_else(|| "–".into())}</dd>
            </dl>
        }
        .into_any(),
        ResultBody::Texts => ().into_any(),
    };
    let (total, pending) = (q.texts_total, q.texts_pending);
    let texts = (!q.texts.is_empty() || pending > 0).then(|| {
        view! {
            <h3>{t!(i18n, surveys.free_texts, count = move || total)}</h3>
            {(pending > 0).then(|| view! {
                <p class="meta">
                    {if agent { t!(i18n, surveys.pending_texts_agent, count = move || pending).into_any() }
                     else { t!(i18n, surveys.pending_texts, count = move || pending).into_any() }}
                </p>
            })}
            <ul class="free-texts">
                {q.texts.iter().map(|text| view! { <li>{text.clone()}</li> }).collect_view()}
            </ul>
        }
    });
    view! {
        <section class="result" aria-labelledby=heading_id.clone()>
            <h2 id=heading_id.clone()>{q.label.clone()}</h2>
            <p class="meta">{t!(i18n, surveys.answered, count = move || answered)}</p>
            {body}
            {texts}
        </section>
    }
}

/// Horizontal bars, one per option; the text summary names the most chosen option and
/// the table after it carries every figure.
#[component]
fn BarChart(bars: Vec<Bar>, total: i64, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    const ROW: i64 = 32;
    const LABEL: i64 = 270;
    const WIDTH: i64 = 640;
    let bar_space = WIDTH - LABEL - 60;
    let height = ROW * bars.len() as i64 + 8;
    let top = bars
        .iter()
        .max_by_key(|b| b.count)
        .filter(|b| b.count > 0)
        .cloned();
    let summary_id = format!("resume-{id}");
    let summary = match top {
        Some(top) => {
            let (label, pct) = (top.label.clone(), percent(top.count, total));
            t!(
                i18n,
                surveys.chart_summary,
                answer = move || label.clone(),
                percent = move || pct
            )
            .into_any()
        }
        None => t!(i18n, surveys.chart_empty).into_any(),
    };
    let rows = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let y = i as i64 * ROW + 4;
            let pct = percent(bar.count, total);
            let w = (bar_space * pct / 100).max(if bar.count > 0 { 2 } else { 0 });
            // Long options are cut in the drawing; the table below gives them whole.
            let label: String = if bar.label.chars().count() > 32 {
                format!("{}…", bar.label.chars().take(31).collect::<String>())
            } else {
                bar.label.clone()
            };
            view! {
                <text x=LABEL - 8 y=y + 20 text-anchor="end" class="chart__label">{label}</text>
                <rect x=LABEL y=y + 4 width=w height=ROW - 10 class="chart__bar" rx="2"></rect>
                <text x=LABEL + w + 6 y=y + 20 class="chart__value">{format!("{pct} %")}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-labelledby=summary_id.clone()
                xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">
                {rows}
            </svg>
            <figcaption id=summary_id>{summary}</figcaption>
        </figure>
    }
}

#[component]
fn BarTable(bars: Vec<Bar>, total: i64, caption: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, surveys.option)}</th>
                <th scope="col">{t!(i18n, surveys.count)}</th>
                <th scope="col">{t!(i18n, surveys.percent)}</th>
            </tr></thead>
            <tbody>
                {bars.into_iter().map(|b| {
                    let pct = percent(b.count, total);
                    view! { <tr><th scope="row">{b.label}</th><td>{b.count}</td><td>{format!("{pct} %")}</td></tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// `/consultations/:id/relecture`: free-text answers waiting for a moderator.
#[component]
pub fn ReviewTextsPage() -> impl IntoView {
    use super::builder_api::{get_pending_texts, ReviewSurveyText};
    use crate::ui::form::{title_with_error, use_form_error, FormAlert};
    use leptos::server_fn::ServerFn;
    let i18n = use_i18n();
    let id = survey_id();
    let error = use_form_error(ReviewSurveyText::url());
    let pending = Resource::new(move || id.get(), get_pending_texts);
    view! {
        <PageTitle text=title_with_error(error, move || t_string!(i18n, surveys.review_title).to_string()) />
        <h1>{t!(i18n, surveys.review_title)}</h1>
        <p>{t!(i18n, surveys.review_intro)}</p>
        <FormAlert error fields=&[] />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match pending.await {
                    Ok(texts) if texts.is_empty() => view! { <p>{t!(i18n, surveys.review_none)}</p> }.into_any(),
                    Ok(texts) => view! {
                        <ul class="review-list">
                            {texts.into_iter().map(|text| {
                                let survey = id.get_untracked();
                                view! {
                                    <li class="card">
                                        <p class="meta">{text.question.clone()}</p>
                                        <blockquote>{text.text.clone()}</blockquote>
                                        <form method="post" action=ReviewSurveyText::url() class="button-row">
                                            <input type="hidden" name="survey_id" value=survey />
                                            <input type="hidden" name="key" value=text.key.clone() />
                                            <button type="submit" name="decision" value="approve" class="button">{t!(i18n, surveys.approve)}</button>
                                            <button type="submit" name="decision" value="hide" class="button button--secondary">{t!(i18n, surveys.hide)}</button>
                                        </form>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
        <p><A href=move || format!("/consultations/{}/resultats", id.get())>{t!(i18n, surveys.results_title)}</A></p>
    }
}
