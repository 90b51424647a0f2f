//! `/search`: words and facets over every commitment, its milestones and its updates.
//!
//! Every state of a search is its address (`?q=...&region=...`): the form is sent with
//! GET, each facet value is a link. With JavaScript the island [`LiveSearch`] asks for the
//! same page as typing pauses (or a facet is chosen) and puts its results in place, so the
//! results are always the server's own rendering.

use crate::components::{isolated, result_view, Loading, PageMeta, Pagination};
use crate::domain::search::{
    Facet, FacetCounts, FacetValue, Piece, SearchHit, SearchRequest, SearchResults, MOST_VALUES,
    PAGE_SIZE,
};
use crate::domain::{
    BarLabel, Completion, MemberKind, MilestoneStatus, OgpValue, Region, ResultLevel,
};
use crate::error::AppError;
use crate::i18n::{format_count, t, t_with, Key};
use crate::server_fns::get_search;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

/// The ids the island finds its parts by.
const RESULTS_ID: &str = "search-results";
const KEPT_ID: &str = "search-kept";
const STATUS_ID: &str = "search-status";
const QUERY_ID: &str = "search-q";

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let request = move || {
        let query = query.get();
        let pairs: Vec<(String, String)> = query
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect();
        SearchRequest::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
    };
    let results = crate::components::page_data(request, |request| async move {
        match request {
            Ok(request) => get_search(request.clone()).await.map(|r| (request, r)),
            Err(bad) => Err(AppError::BadRequest {
                field: bad.param,
                reason: Key::SearchUnknownFilter,
            }),
        }
    });
    // A refused filter keeps the words typed in the form.
    let current = request().unwrap_or_else(|_| SearchRequest {
        q: query.get_untracked().get("q").unwrap_or_default(),
        ..Default::default()
    });
    let title = if current.q.is_empty() {
        t(Key::SearchTitle).to_string()
    } else {
        t_with(Key::SearchTitleFor, &[("q", &isolated(&current.q))])
    };
    // Every combination of facets is a page: search engines are asked to leave them all
    // (robots.txt too), since each is a search.
    let no_index =
        (!current.is_empty()).then(|| view! { <Meta name="robots" content="noindex, nofollow"/> });
    view! {
        <PageMeta title description=t(Key::SearchDescription).to_string()/>
        {no_index}
        <h1>{t(Key::SearchTitle)}</h1>
        <LiveSearch>
            <SearchForm request=current.clone()/>
            <p id=STATUS_ID class="search-status" role="status" aria-live="polite"></p>
            <div id=RESULTS_ID class="search-results">
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        result_view(
                            results.await,
                            |(request, results)| view! { <Results request results/> }.into_any(),
                        )
                    })}
                </Suspense>
            </div>
        </LiveSearch>
    }
}

/// The words, and the filters chosen so far kept as hidden fields, so that sending new
/// words keeps them.
#[component]
fn SearchForm(request: SearchRequest) -> impl IntoView {
    view! {
        <form id="search-form" class="search-form" role="search" method="get" action="/search">
            <label for=QUERY_ID>{t(Key::SearchLabel)}</label>
            <div class="search-line">
                <input
                    type="search"
                    id=QUERY_ID
                    name="q"
                    value=request.q.clone()
                    maxlength=crate::domain::search::LONGEST_QUERY.to_string()
                    autocomplete="off"
                    aria-describedby="search-hint"
                />
                <button type="submit">{t(Key::SearchButton)}</button>
            </div>
            <p id="search-hint" class="hint">{t(Key::SearchHint)}</p>
            <div id=KEPT_ID>
                <KeptFilters request/>
            </div>
        </form>
    }
}

#[component]
fn KeptFilters(request: SearchRequest) -> impl IntoView {
    request
        .filters
        .into_iter()
        .map(|(facet, value)| view! { <input type="hidden" name=facet.param() value=value/> })
        .collect_view()
}

/// A facet value's name in the reader's language: a level's label, or the name stored.
fn value_name(facet: Facet, value: &FacetValue) -> String {
    if let Some(name) = &value.name {
        return name.clone();
    }
    let key = value.key.as_str();
    let label = match facet {
        Facet::Region => Region::from_machine(key).map(Region::label_key),
        Facet::Kind => MemberKind::from_machine(key).map(MemberKind::label_key),
        Facet::Value => OgpValue::from_machine(key).map(OgpValue::label_key),
        Facet::Status => MilestoneStatus::from_machine(key).map(MilestoneStatus::label_key),
        Facet::Completion | Facet::EndOfTerm => {
            Completion::from_machine(key).map(Completion::label_key)
        }
        Facet::Starred if key == "yes" => Some(Key::SearchStarredYes),
        Facet::Starred => Some(Key::SearchStarredNo),
        Facet::Overdue => Some(Key::SearchOverdueYes),
        Facet::Promising => Some(Key::ResultsPromising),
        Facet::Results => Some(Key::SimilarStrongResults),
        Facet::Milestones => crate::domain::search::MILESTONE_STATES
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, label)| *label),
        Facet::Gap => crate::domain::Gap::from_machine(key).map(crate::domain::Gap::label_key),
        Facet::Updated => {
            return crate::domain::search::month_of(key).map_or_else(
                || key.to_string(),
                |(year, month)| crate::charts::bar_label(&BarLabel::Month { year, month }),
            )
        }
        // Both scale sets have an "outstanding": the scale's name comes first.
        Facet::Early => {
            return ResultLevel::from_machine(key).map_or_else(
                || key.to_string(),
                |level| {
                    t_with(
                        Key::FacetScaleLevel,
                        &[
                            ("scale", t(level.scale_key())),
                            ("level", t(level.label_key())),
                        ],
                    )
                },
            )
        }
        Facet::Member | Facet::Cycle | Facet::PolicyArea | Facet::Plan | Facet::Institution => None,
    };
    label.map_or_else(|| key.to_string(), |k| t(k).to_string())
}

#[component]
fn Results(request: SearchRequest, results: SearchResults) -> impl IntoView {
    let found = t_with(
        Key::SearchFound,
        &[("count", &format_count(results.total as i64))],
    );
    let chosen = (!request.filters.is_empty()).then(|| {
        let names: Vec<(Facet, String, String)> = request
            .filters
            .iter()
            .map(|(facet, value)| {
                // Named as its facet lists it, else as the address has it.
                let listed = results
                    .facets
                    .iter()
                    .find(|f| f.facet == *facet)
                    .and_then(|f| f.values.iter().find(|v| v.key == *value))
                    .map(|v| value_name(*facet, v))
                    .unwrap_or_else(|| value.clone());
                (*facet, value.clone(), listed)
            })
            .collect();
        view! {
            <section class="search-chosen" aria-labelledby="search-chosen-heading">
                <h2 id="search-chosen-heading" class="visually-hidden">{t(Key::SearchChosen)}</h2>
                <ul class="chips">
                    {names
                        .into_iter()
                        .map(|(facet, value, name)| {
                                                        let label = t_with(
                                Key::SearchRemove,
                                &[("facet", t(facet.label_key())), ("value", &isolated(&name))],
                            );
                            view! {
                                <li>
                                    <a
                                        href=request.with(facet, None).address()
                                        data-search-link=""
                                        data-remove=facet.param()
                                        data-value=value
                                    >
                                        {label}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    });
    let empty = (results.total == 0).then(|| {
        view! {
            <div class="empty-state" data-empty="true">
                <p><strong>{t(Key::SearchNone)}</strong></p>
                <p>{t(Key::SearchWiden)}</p>
                <p><a href="/search">{t(Key::SearchWidenAll)}</a></p>
            </div>
        }
    });
    let page = results.page as i64;
    let base = request.at_page(1).address();
    let hits = results.hits.clone();
    let total = results.total;
    let list = (!hits.is_empty()).then(|| {
        view! {
            <ol class="search-hits" aria-labelledby="search-results-heading">
                {hits.into_iter().map(|hit| view! { <Hit hit/> }).collect_view()}
            </ol>
        }
    });
    view! {
        <div class="search-layout" data-total=total.to_string()>
            <div class="search-main">
                <h2 id="search-results-heading" tabindex="-1">{found}</h2>
                {chosen}
                                {empty}
                {list}
                <Pagination page total=total as i64 page_size=PAGE_SIZE as i64 base/>
            </div>
            <Facets request results/>
        </div>
    }
}

#[component]
fn Facets(request: SearchRequest, results: SearchResults) -> impl IntoView {
    view! {
        <nav class="search-facets" aria-labelledby="search-facets-heading">
            <h2 id="search-facets-heading">{t(Key::SearchFilters)}</h2>
            {results
                .facets
                .into_iter()
                .filter(|f| {
                    let chosen = request.filter(f.facet).is_some();
                    (f.facet.is_listed() && !f.values.is_empty()) || chosen
                })
                .map(|counts| view! { <FacetList request=request.clone() counts/> })
                .collect_view()}
        </nav>
    }
}

#[component]
fn FacetList(request: SearchRequest, counts: FacetCounts) -> impl IntoView {
    let facet = counts.facet;
    let chosen = request.filter(facet).map(str::to_string);
    let heading_id = format!("facet-{}", facet.param());
    let mut values: Vec<FacetValue> = counts.values.iter().take(MOST_VALUES).cloned().collect();
    if let Some(chosen) = &chosen {
        if !values.iter().any(|v| v.key == *chosen) {
            if let Some(value) = counts.values.iter().find(|v| v.key == *chosen) {
                values.push(value.clone());
            }
        }
    }
    let items = values
        .into_iter()
        .map(|value| {
            let selected = chosen.as_deref() == Some(value.key.as_str());
            let href = if selected {
                request.with(facet, None).address()
            } else {
                request.with(facet, Some(&value.key)).address()
            };
            let text = t_with(
                Key::SearchValueCount,
                &[
                    ("value", &isolated(&value_name(facet, &value))),
                    ("count", &format_count(value.count as i64)),
                ],
            );
            view! {
                <li>
                    <a
                        href=href
                        data-search-link=""
                        data-facet=facet.param()
                        data-value=value.key.clone()
                                                data-count=value.count.to_string()
                        rel="nofollow"
                        aria-current=selected.then_some("true")
                    >
                        {text}
                    </a>
                </li>
            }
        })
        .collect_view();
    let labelled_by = heading_id.clone();
    view! {
        <section class="facet" data-facet-list=facet.param() aria-labelledby=labelled_by>
            <h3 id=heading_id>{t(facet.label_key())}</h3>
            <ul>{items}</ul>
        </section>
    }
}

/// Text with its matched words in `<mark>`.
fn marked_view(pieces: Vec<Piece>) -> impl IntoView {
    pieces
        .into_iter()
        .map(|piece| {
            if piece.matched {
                view! { <mark>{piece.text}</mark> }.into_any()
            } else {
                piece.text.into_any()
            }
        })
        .collect_view()
}

#[component]
fn Hit(hit: SearchHit) -> impl IntoView {
    let status = view! {
        <crate::components::LevelBadge key=hit.status.label_key() machine=hit.status.as_str()/>
    };
    let completion = hit.completion.map(|c| {
        view! {
            <span>
                {t(Key::FacetCompletion)} ": "
                <crate::components::LevelBadge key=c.label_key() machine=c.as_str()/>
            </span>
        }
    });
    let starred = (hit.starred == Some(true)).then(|| {
        view! { <span class="badge starred">"★ " {t(Key::SearchStarredYes)}</span> }
    });
    let excerpt = hit.excerpt.map(|(found_in, pieces)| {
        view! {
            <p class="excerpt">
                <span class="found-in">{t(found_in.label_key())} ": "</span>
                {marked_view(pieces)}
            </p>
        }
    });
    view! {
        <li class="search-hit" data-code=hit.code.clone()>
            <h3>
                <a href=format!("/commitments/{}", hit.code)>{marked_view(hit.title)}</a>
            </h3>
            <p class="hit-facts">
                <span class="code">{hit.code.clone()}</span>
                " · "
                <a href=format!("/members/{}", hit.member_slug)>{hit.member_name}</a>
                " · "
                <a href=format!("/plans/{}", hit.plan_key)>{hit.period}</a>
                " · "
                {status}
                {completion.map(|c| view! { " · " {c} })}
                {starred.map(|s| view! { " · " {s} })}
            </p>
            {excerpt}
        </li>
    }
}

/// The search form and its results, answering in place with JavaScript: once typing pauses
/// for [`PAUSE_MS`], when the form is sent, and when a facet or page link is followed, it
/// asks for the search's page and puts that page's results (and the filters the form
/// keeps) in place of these, and the search's address in the address bar, so that it can
/// still be shared. Without JavaScript, or when the page cannot be had, the form and links
/// work as they are.
#[island]
pub fn LiveSearch(children: Children) -> impl IntoView {
    let on_input = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        browser::typed(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = &event;
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        browser::submitted(event);
        #[cfg(not(feature = "hydrate"))]
        let _ = &event;
    };
    let on_click = move |event: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        browser::clicked(event);
        #[cfg(not(feature = "hydrate"))]
        let _ = &event;
    };
    view! {
        <div class="live-search" on:input=on_input on:submit=on_submit on:click=on_click>
            {children()}
        </div>
    }
}

/// How long typing must pause before the results are asked for.
#[cfg(feature = "hydrate")]
const PAUSE_MS: u32 = 300;

#[cfg(feature = "hydrate")]
mod browser {
    use super::{KEPT_ID, PAUSE_MS, QUERY_ID, RESULTS_ID, STATUS_ID};
    use crate::i18n::{text, use_lang, Key};
    use crate::in_place::{by_id, document, fetch_page, move_children};
    use std::cell::{Cell, RefCell};
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlFormElement};

    thread_local! {
        /// The pending pause: dropping it cancels it.
        static PENDING: RefCell<Option<gloo_timers::callback::Timeout>> = const { RefCell::new(None) };
        /// Which request is the latest: an older answer arriving late is dropped.
        static LATEST: Cell<u64> = const { Cell::new(0) };
    }

    fn say(key: Option<Key>) {
        if let Some(status) = by_id(STATUS_ID) {
            status.set_text_content(key.map(|k| text(use_lang(), k)));
        }
    }

    /// The form's search as an address.
    fn address_of(form: &HtmlFormElement) -> Option<String> {
        let data = web_sys::FormData::new_with_form(form).ok()?;
        let mut pairs: Vec<(String, String)> = Vec::new();
        for entry in js_sys::try_iter(&data).ok()??.flatten() {
            let pair: js_sys::Array = entry.unchecked_into();
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                pairs.push((name, value));
            }
        }
        let request = crate::domain::search::SearchRequest::from_pairs(
            pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        )
        .ok()?;
        Some(request.address())
    }

    fn search_form() -> Option<HtmlFormElement> {
        by_id("search-form")?.dyn_into().ok()
    }

    pub fn typed(event: &web_sys::Event) {
        // A word being composed (an input method, for Arabic say) is not typed yet.
        if event
            .dyn_ref::<web_sys::InputEvent>()
            .is_some_and(web_sys::InputEvent::is_composing)
        {
            return;
        }
        let from_query = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .is_some_and(|e| e.id() == QUERY_ID);
        if !from_query {
            return;
        }
        let timeout = gloo_timers::callback::Timeout::new(PAUSE_MS, || {
            if let Some(address) = search_form().as_ref().and_then(address_of) {
                show(address, Step::Typed);
            }
        });
        PENDING.with(|p| p.replace(Some(timeout)));
    }

    pub fn submitted(event: leptos::ev::SubmitEvent) {
        let Some(address) = search_form().as_ref().and_then(address_of) else {
            return;
        };
        event.prevent_default();
        PENDING.with(|p| p.replace(None));
        show(address, Step::Sent);
    }

    pub fn clicked(event: leptos::ev::MouseEvent) {
        // A click meant for a new tab or window is the browser's.
        if event.button() != 0
            || event.ctrl_key()
            || event.meta_key()
            || event.shift_key()
            || event.alt_key()
        {
            return;
        }
        let Some(link) = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| {
                e.closest("a[data-search-link], .pagination a")
                    .ok()
                    .flatten()
            })
        else {
            return;
        };
        let Some(address) = link.get_attribute("href") else {
            return;
        };
        event.prevent_default();
        // Words typed a moment ago must not come after the link and undo it.
        PENDING.with(|p| p.replace(None));
        show(address, Step::Followed);
    }

    /// Why results are asked for, which decides the history entry and the focus.
    #[derive(Clone, Copy, PartialEq)]
    enum Step {
        /// Typing paused: the current entry is replaced, the focus stays in the field.
        Typed,
        /// The form was sent: a new entry, the focus stays in the field.
        Sent,
        /// A facet or page link was followed: a new entry, and the focus goes to the new
        /// results' heading (the link is gone with the old ones).
        Followed,
        /// Back or forward to one of these searches: the entry is already there.
        Returned,
    }

    /// The history state that marks the entries of these searches, so that going back or
    /// forward to another kind of entry (the skip link's `#main`) is left to the browser.
    const MARK: &str = "ogp-search";

    /// Asks for `address` and puts its results in place, the browser's history and the
    /// focus as `step` says.
    fn show(address: String, step: Step) {
        let this = LATEST.with(|l| {
            l.set(l.get() + 1);
            l.get()
        });
        say(Some(Key::SearchUpdating));
        if let Some(results) = by_id(RESULTS_ID) {
            let _ = results.set_attribute("aria-busy", "true");
        }
        leptos::task::spawn_local(async move {
            let page = fetch_page(&address).await;
            if LATEST.with(Cell::get) != this {
                return;
            }
            if let Some(results) = by_id(RESULTS_ID) {
                let _ = results.remove_attribute("aria-busy");
            }
            let Some(page) = page.and_then(|fetched| put_in_place(&fetched)) else {
                say(Some(Key::SearchUpdateFailed));
                return;
            };
            // Said once in place: how many were found.
            let found = by_id("search-results-heading").and_then(|h| h.text_content());
            if let Some(status) = by_id(STATUS_ID) {
                status.set_text_content(found.as_deref());
            }
            if let Some(title) = page {
                if let Some(document) = document() {
                    document.set_title(&title);
                }
            }
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                let mark = wasm_bindgen::JsValue::from_str(MARK);
                let _ = match step {
                    Step::Typed => history.replace_state_with_url(&mark, "", Some(&address)),
                    Step::Sent | Step::Followed => {
                        // The entry left behind is one of these searches too.
                        crate::in_place::remember(MARK, &address);
                        Ok(())
                    }
                    Step::Returned => Ok(()),
                };
            }
            if matches!(step, Step::Followed | Step::Returned) {
                // The words of the search now shown.
                if let (Some(field), Some(url)) = (
                    by_id(QUERY_ID).and_then(|f| f.dyn_into::<web_sys::HtmlInputElement>().ok()),
                    web_sys::Url::new(&absolute(&address)).ok(),
                ) {
                    field.set_value(&url.search_params().get("q").unwrap_or_default());
                }
            }
            if step == Step::Followed {
                // The link followed is gone with the old results: the reader goes on from
                // the new ones' heading.
                if let Some(heading) = by_id("search-results-heading")
                    .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = heading.focus();
                }
            }
        });
        crate::in_place::on_return(MARK, returned);
    }

    fn absolute(address: &str) -> String {
        let origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        format!("{origin}{address}")
    }

    /// Going back or forward through the searches shows each again.
    fn returned(address: String) {
        show(address, Step::Returned);
    }

    /// Puts the results and kept filters of the `fetched` page in place of these; answers the
    /// page's title, or `None` when the page has no results to take.
    fn put_in_place(fetched: &web_sys::Document) -> Option<Option<String>> {
        let results = fetched.get_element_by_id(RESULTS_ID)?;
        move_children(&results, &by_id(RESULTS_ID)?)?;
        if let (Some(kept), Some(here)) = (fetched.get_element_by_id(KEPT_ID), by_id(KEPT_ID)) {
            move_children(&kept, &here)?;
        }
        Some(Some(fetched.title()).filter(|t| !t.is_empty()))
    }
}
