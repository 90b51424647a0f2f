//! Widgets shared by several pages: header, footer, progress, level badges, pagination,
//! and the loading, error and not-found states.

use crate::domain::PublicActor;
use crate::error::AppError;
use crate::forms::CsrfField;
use crate::i18n::{format_count, t, t_with, use_lang, Key, Lang};
use crate::page_state::page_state;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_location;

/// A link to an address that came from an import or a form: clickable only when it is an
/// http or https address, otherwise shown as text.
#[component]
pub fn ExternalLink(url: String, #[prop(optional)] text: Option<String>) -> impl IntoView {
    let text = text.unwrap_or_else(|| url.clone());
    if crate::input::is_web_link(&url) {
        view! { <a href=url rel="noopener noreferrer">{text}</a> }.into_any()
    } else {
        view! { <span class="unlinked" data-unlinked="true">{text}</span> }.into_any()
    }
}

/// An update's evidence: its links, then its files with their size (`data-file` is the
/// file's id).
#[component]
pub fn EvidenceList(
    links: Vec<crate::domain::EvidenceLink>,
    files: Vec<crate::domain::EvidenceFile>,
) -> impl IntoView {
    (!links.is_empty() || !files.is_empty()).then(|| {
        view! {
            <ul class="evidence">
                {links
                    .into_iter()
                    .map(|e| view! { <li><ExternalLink url=e.url text=e.title/></li> })
                    .collect_view()}
                {files
                    .into_iter()
                    .map(|f| {
                        let size = file_size(f.size_bytes);
                        view! {
                            <li data-file=f.id>
                                <a href=f.path()><bdi>{f.name.clone()}</bdi></a>
                                " " <span class="meta">"(" {size} ")"</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// A file's size in the reader's language: kilobytes, or megabytes from 1 MB.
pub fn file_size(bytes: i64) -> String {
    if bytes >= 1_000_000 {
        let tenths = (bytes as f64 / 100_000.0).round() as i64;
        t_with(
            Key::SizeMegabytes,
            &[(
                "size",
                &format!("{}.{}", format_count(tenths / 10), tenths % 10),
            )],
        )
    } else {
        t_with(
            Key::SizeKilobytes,
            &[("size", &format_count((bytes + 999) / 1000))],
        )
    }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    let location = use_location();
    let current = use_lang();
    let viewer = page_state().viewer;
    let is_admin = crate::policy::may_administer(viewer.as_ref()).is_ok();
    let viewer_links = match viewer {
        Some(viewer) => view! {
            {is_admin.then(|| view! { <li><a href="/admin/accounts">{t(Key::NavAdmin)}</a></li> })}
            <li><a href="/account">{t_with(Key::NavAccountOf, &[("name", &viewer.display_name)])}</a></li>
            <li>
                <form method="post" action="/sign-out" class="inline">
                    <CsrfField/>
                    <button type="submit" class="link-button">{t(Key::NavSignOut)}</button>
                </form>
            </li>
        }
        .into_any(),
        None => view! { <li><a href="/sign-in">{t(Key::NavSignIn)}</a></li> }.into_any(),
    };
    view! {
        <header class="site-header">
            <a class="site-name" href="/">{t(Key::AppName)}</a>
            <nav aria-label=t(Key::NavMain)>
                <ul class="nav-list">
                    <li><a href="/">{t(Key::NavOverview)}</a></li>
                    <li><a href="/members">{t(Key::NavMembers)}</a></li>
                    <li><a href="/explore">{t(Key::NavExplore)}</a></li>
                    <li><a href="/search">{t(Key::NavSearch)}</a></li>
                    {viewer_links}
                </ul>
            </nav>
            <nav class="language-switch" aria-label=t(Key::LanguageLabel)>
                <ul class="nav-list">
                    {Lang::ALL
                        .into_iter()
                        .map(|lang| {
                            let href = move || {
                                format!(
                                    "/language/{}?next={}",
                                    lang.code(),
                                    // The cookie chooses from now on, not the address.
                                    encode_path(
                                        &location.pathname.get(),
                                        &crate::i18n::with_query_lang(&location.search.get(), None),
                                    ),
                                )
                            };
                            view! {
                                <li>
                                    <a
                                        href=href
                                        rel="external"
                                        lang=lang.code()
                                        hreflang=lang.code()
                                        aria-current=if lang == current { "true" } else { "false" }
                                    >
                                        {lang.native_name()}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
    }
}

/// Percent-encodes a path and query for use as a query value.
pub fn encode_path(path: &str, search: &str) -> String {
    let full = if search.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", search.trim_start_matches('?'))
    };
    crate::domain::percent_encoded(&full, b"/")
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>{t(Key::FooterText)}</p>
        </footer>
    }
}

#[component]
pub fn DemoBanner() -> impl IntoView {
    view! { <p class="demo-banner" role="note">{t(Key::DemoBanner)}</p> }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">{t(Key::Loading)}</p> }
}

#[component]
pub fn ErrorNotice() -> impl IntoView {
    view! {
        <section class="notice notice-error" role="alert">
            <h2>{t(Key::ErrorTitle)}</h2>
            <p>{t(Key::ErrorText)}</p>
        </section>
    }
}

/// Marks the response as 404 on the server.
pub fn set_not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_not_found_status();
    view! {
        <Title text=t(Key::NotFoundTitle)/>
        <h1>{t(Key::NotFoundTitle)}</h1>
        <p>{t(Key::NotFoundText)}</p>
        <p><a href="/">{t(Key::BackHome)}</a></p>
    }
}

/// A page's data, read on the server as the page renders: `Resource::new` without the copy
/// of the value a `Resource` writes into the page as a script for hydration. The browser
/// hydrates only islands, which get what they need as their props.
pub fn page_data<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> AsyncDerived<T>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    AsyncDerived::new(move || fetcher(source()))
}

/// A page about one record: the record's view, the 404 page, or an error notice.
pub fn record_view<T>(
    result: Result<Option<T>, AppError>,
    body: impl FnOnce(T) -> AnyView,
) -> AnyView {
    match result {
        Ok(Some(record)) => body(record),
        Ok(None) => view! { <NotFound/> }.into_any(),
        Err(error) => error_view(error),
    }
}

/// A page's data, or why it cannot be shown: sign in first (401), not allowed (403), or
/// an error.
pub fn result_view<T>(result: Result<T, AppError>, body: impl FnOnce(T) -> AnyView) -> AnyView {
    match result {
        Ok(data) => body(data),
        Err(error) => error_view(error),
    }
}

fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(code);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// `Retry-After` for an error that says when to try again (the server busy, the database
/// unavailable, too many sign-ins).
fn set_retry_after(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Some(seconds)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        error.retry_after(),
    ) {
        response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}

fn error_view(error: AppError) -> AnyView {
    match error {
        AppError::SignInRequired => {
            set_status(401);
            let location = use_location();
            let next = encode_path(
                &location.pathname.get_untracked(),
                &location.search.get_untracked(),
            );
            view! {
                <Title text=t(Key::SignInRequiredTitle)/>
                <section class="notice">
                    <h1>{t(Key::SignInRequiredTitle)}</h1>
                    <p>{t(Key::ErrSignInRequired)}</p>
                    <p><a href=format!("/sign-in?next={next}")>{t(Key::NavSignIn)}</a></p>
                </section>
            }
            .into_any()
        }
        AppError::NotAllowed => {
            set_status(403);
            view! {
                <Title text=t(Key::NotAllowedTitle)/>
                <section class="notice">
                    <h1>{t(Key::NotAllowedTitle)}</h1>
                    <p>{t(Key::ErrNotAllowed)}</p>
                </section>
            }
            .into_any()
        }
        AppError::Internal | AppError::Transport(_) => {
            set_status(error.status());
            view! { <ErrorNotice/> }.into_any()
        }
        error => {
            set_status(error.status());
            set_retry_after(&error);
            let notice = error.notice();
            let message = notice.text(use_lang());
            view! {
                <section class="notice notice-error" role="alert" data-error=notice.field>
                    <h2>{t(Key::ErrorTitle)}</h2>
                    <p>{message}</p>
                </section>
            }
            .into_any()
        }
    }
}

/// Text people entered, set apart inside a sentence of the page's language so that its
/// own direction holds (an English institution in an Arabic line, and the reverse): the
/// Unicode isolates that `<bdi>` stands for, usable inside a translated string.
pub fn isolated(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

/// Who did something, publicly, in the reader's language: the role and the institution (or
/// member) it acts for, "Point of contact, Ministry of Finance"; `None` when nothing is known.
pub fn actor_text(actor: &PublicActor) -> Option<String> {
    let place = actor.institution.as_ref().or(actor.member.as_ref());
    match (actor.role, place) {
        (Some(role), Some(place)) => Some(t_with(
            Key::ActorWithPlace,
            &[("role", t(role.label_key())), ("place", &isolated(place))],
        )),
        (Some(role), None) => Some(t(role.label_key()).to_string()),
        (None, Some(place)) => Some(isolated(place)),
        (None, None) => None,
    }
}

/// The author of a progress update, as [`actor_text`] says, or that it is not known.
pub fn author_text(author: &PublicActor) -> String {
    actor_text(author).unwrap_or_else(|| t(Key::AuthorUnknown).to_string())
}

/// A milestone's planned end, marked when the milestone is overdue
/// ([`crate::domain::Milestone::is_overdue`]).
#[component]
pub fn DueDate(planned_end: Option<chrono::NaiveDate>, overdue: bool) -> impl IntoView {
    let date = planned_end
        .map(date_text)
        .unwrap_or_else(|| t(Key::NotAvailable).to_string());
    view! {
        <span data-overdue=overdue.to_string()>
            {date}
            {overdue.then(|| view! { " " <strong class="overdue">{t(Key::Overdue)}</strong> })}
        </span>
    }
}

/// A count of overdue milestones, emphasised when there are any.
#[component]
pub fn OverdueCount(count: i64) -> impl IntoView {
    view! {
        <td class="number" data-overdue=count.to_string()>
            {if count > 0 {
                view! { <strong class="overdue">{format_count(count)}</strong> }.into_any()
            } else {
                format_count(count).into_any()
            }}
        </td>
    }
}

/// A date as the pages show it: ISO 8601, the same in every language.
pub fn date_text(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A moment as the pages show it, in UTC to the minute.
pub fn time_text(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A percentage as text and bar; a dash when there is nothing to measure.
#[component]
pub fn ProgressBar(value: Option<f64>) -> impl IntoView {
    match value {
        Some(v) => {
            let percent = v.round().clamp(0.0, 100.0) as i64;
            let label = t_with(Key::ProgressValue, &[("percent", &percent.to_string())]);
            view! {
                <span class="progress">
                    <meter min="0" max="100" value=percent aria-label=t(Key::ProgressLabel)>
                        {label.clone()}
                    </meter>
                    <span class="progress-value">{label}</span>
                </span>
            }
            .into_any()
        }
        None => view! { <span class="muted">{t(Key::NotAvailable)}</span> }.into_any(),
    }
}

/// A level shown as a labelled badge; the machine name is kept as a class for styling.
#[component]
pub fn LevelBadge(key: Key, machine: &'static str) -> impl IntoView {
    view! { <span class=format!("badge level-{}", machine.replace('_', "-"))>{t(key)}</span> }
}

/// Previous / next links for a list of `total` rows shown `page_size` at a time.
#[component]
pub fn Pagination(page: i64, total: i64, page_size: i64, base: String) -> impl IntoView {
    let pages = ((total + page_size - 1) / page_size).max(1);
    let separator = if base.contains('?') { '&' } else { '?' };
    let link = move |p: i64| format!("{base}{separator}page={p}");
    (pages > 1).then(|| {
        view! {
            <nav class="pagination" aria-label=t(Key::PaginationLabel)>
                {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">{t(Key::PagePrevious)}</a> })}
                <span>
                    {t_with(
                        Key::PageOf,
                        &[("page", &format_count(page)), ("pages", &format_count(pages))],
                    )}
                </span>
                {(page < pages).then(|| view! { <a href=link(page + 1) rel="next">{t(Key::PageNext)}</a> })}
            </nav>
        }
    })
}

/// The 1-based page number from the query string; 1 when absent.
pub fn query_page(value: Option<String>) -> i64 {
    // Nonsense (a word, a number too large for i64) becomes 0, which the read refuses with
    // a message naming the page number, rather than silently showing page 1.
    value.map_or(1, |p| p.trim().parse::<i64>().unwrap_or(0))
}

/// An indicator's name in the reader's language, with its OGP value for the per-value ones
/// ("Relevance: civic participation").
pub fn indicator_name(indicator: crate::domain::Indicator) -> String {
    match indicator.value() {
        Some(value) => format!("{}: {}", t(indicator.label_key()), t(value.label_key())),
        None => t(indicator.label_key()).to_string(),
    }
}

/// The route's numeric parameter `name`, or 0 (which no record has) when it is not a
/// number: the page then says it found nothing.
pub fn number_param(params: &leptos_router::params::ParamsMap, name: &str) -> i64 {
    params
        .get(name)
        .and_then(|value| value.parse::<i64>().ok())
        .unwrap_or(0)
}

/// Where to follow the records of `scope`: its Atom feeds of progress updates and new
/// assessments, in the page's language, announced to feed readers in the document's head
/// and offered to people as links.
#[component]
pub fn FeedLinks(scope: crate::domain::Scope) -> impl IntoView {
    use crate::domain::FeedKind;
    let lang = use_lang();
    let feeds = FeedKind::ALL.map(|kind| {
        let href = format!(
            "{}?{}={}",
            scope.feed_path(kind),
            crate::i18n::LANG_PARAM,
            lang.code()
        );
        let label = match kind {
            FeedKind::Updates => Key::FeedUpdatesLink,
            FeedKind::Assessments => Key::FeedAssessmentsLink,
        };
        (kind, href, t(label))
    });
    view! {
        {feeds
            .clone()
            .map(|(_, href, label)| view! {
                <leptos_meta::Link rel="alternate" type_="application/atom+xml" href title=label/>
            })
            .into_iter()
            .collect_view()}
        <nav class="feeds" aria-label=t(Key::FollowLabel)>
            <span class="feeds-label">{t(Key::FollowLabel)}</span>
            " "
            {feeds
                .map(|(kind, href, label)| view! {
                    <a href=href data-feed=kind.file_name() type="application/atom+xml">{label}</a>
                    " "
                })
                .into_iter()
                .collect_view()}
        </nav>
    }
}

/// A public page's title and description in the page's language, for the browser's tab,
/// search engines and link previews (Open Graph), with the page's `preview` image (a
/// scope's page's address: its image is beside it) where it has one.
#[component]
pub fn PageMeta(
    title: String,
    description: String,
    #[prop(optional)] preview: Option<crate::domain::Scope>,
) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let url = format!(
        "{}{}",
        crate::site_origin(),
        lang.address(
            &location.pathname.get_untracked(),
            &location.search.get_untracked()
        )
    );
    // The overview's title is the site's name alone (see `App`).
    let preview_title = if title.is_empty() {
        t(Key::AppName).to_string()
    } else {
        title.clone()
    };
    view! {
        <Title text=title/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:site_name" content=t(Key::AppName)/>
        <Meta property="og:title" content=preview_title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:url" content=url/>
        <Meta property="og:locale" content=lang.locale()/>
        {preview.map(|scope| {
            let image = format!(
                "{}{}/{}?{}={}",
                crate::site_origin(),
                scope.page_path(),
                crate::domain::PREVIEW_FILE,
                crate::i18n::LANG_PARAM,
                lang.code()
            );
            view! {
                <Meta property="og:image" content=image/>
                <Meta property="og:image:type" content="image/png"/>
                <Meta property="og:image:width" content=crate::charts::PREVIEW_WIDTH.to_string()/>
                <Meta property="og:image:height" content=crate::charts::PREVIEW_HEIGHT.to_string()/>
                <Meta property="og:image:alt" content=t(Key::PreviewAlt)/>
                <Meta name="twitter:card" content="summary_large_image"/>
            }
        })}
    }
}

/// Where the public pages are in each language (`hreflang` alternates, and the address
/// without a language for readers whose language is none of them), for search engines.
#[component]
pub fn LanguageAlternates() -> impl IntoView {
    let location = use_location();
    let origin = crate::site_origin();
    move || {
        let path = location.pathname.get();
        let search = location.search.get();
        crate::is_public_page(&path).then(|| {
            let neutral = crate::i18n::with_query_lang(&search, None);
            let default = if neutral.is_empty() {
                format!("{origin}{path}")
            } else {
                format!("{origin}{path}?{neutral}")
            };
            view! {
                {Lang::ALL
                    .map(|lang| {
                        let href = format!("{origin}{}", lang.address(&path, &search));
                        view! { <Link rel="alternate" hreflang=lang.code() href/> }
                    })
                    .into_iter()
                    .collect_view()}
                <Link rel="alternate" hreflang="x-default" href=default/>
            }
        })
    }
}

/// The first sentences of `text`, at most `limit` characters, cut at a word: a page's
/// description from its longest text.
pub fn excerpt(text: &str, limit: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= limit {
        return text;
    }
    let cut: String = text.chars().take(limit).collect();
    // At the last space, unless that leaves less than half.
    let cut = match cut.rfind(' ') {
        Some(at) if cut[..at].chars().count() > limit / 2 => &cut[..at],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// What a scope is called, in the page's language: a feed's title, a scope page's heading.
pub fn scope_text(name: &crate::domain::ScopeName) -> String {
    use crate::domain::ScopeName;
    match name {
        ScopeName::All => t(Key::AppName).to_string(),
        ScopeName::Member { name }
        | ScopeName::PolicyArea { name }
        | ScopeName::Institution { name } => name.clone(),
        ScopeName::Plan { member, number } => t_with(
            Key::FeedPlanScope,
            &[("member", member), ("number", &number.to_string())],
        ),
        ScopeName::Commitment { code, title } => format!("{code} {title}"),
        ScopeName::Region(region) => t(region.label_key()).to_string(),
        ScopeName::Value(value) => t(value.label_key()).to_string(),
    }
}
