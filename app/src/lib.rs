//! The OGP commitment tracker's shared crate: domain types, translations, components,
//! pages and server functions. Compiled for the server (`ssr`) and the browser (`hydrate`);
//! storage is server-only.

#![recursion_limit = "256"]

pub mod charts;
pub mod components;
pub mod domain;
pub mod error;
pub mod forms;
pub mod i18n;
#[cfg(feature = "hydrate")]
pub mod in_place;
pub mod input;
pub mod live;
pub mod page_state;
pub mod pages;
pub mod policy;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod xml;

use crate::components::{SiteFooter, SiteHeader};
use crate::forms::NoticeBanner;
use crate::i18n::{t, Key, Lang};
use crate::pages::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

/// The reader's language: negotiated from the request on the server, read back from
/// `<html lang>` in the browser so hydration renders the same text.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use http::header::{ACCEPT_LANGUAGE, COOKIE};
        use_context::<http::request::Parts>()
            .map(|parts| {
                let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
                Lang::negotiate(parts.uri.query(), header(COOKIE), header(ACCEPT_LANGUAGE))
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        // Read once: islands ask for every text they show.
        thread_local! {
            static LANG: Lang = document()
                .document_element()
                .and_then(|root| root.get_attribute("lang"))
                .and_then(|code| Lang::from_code(&code))
                .unwrap_or_default();
        }
        LANG.with(|lang| *lang)
    }
}

/// The site's public address (`https://tracker.example.org`, no trailing slash), which the
/// server provides when one is configured (`PUBLIC_URL`): pages then give absolute
/// addresses where only those will do (language alternates, link previews). Without it
/// they give paths: the address a request came by is the client's to choose, and a page
/// kept for every visitor must not carry one visitor's choice.
#[derive(Clone, Debug, Default)]
pub struct SiteOrigin(pub String);

/// The site's public address, or "" (see [`SiteOrigin`]).
pub fn site_origin() -> String {
    use_context::<SiteOrigin>().unwrap_or_default().0
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    let page = page_state::page_state();
    // A page with nothing for the browser to do loads no script (see `needs_script`).
    let loads_script = page.needs_script();
    #[cfg(feature = "ssr")]
    set_page_security_policy(loads_script);
    let state = serde_json::to_string(&page).unwrap_or_default();
    // The islands' texts, in this page's language only (see `i18n::text`).
    #[cfg(not(feature = "hydrate"))]
    let texts = loads_script.then(|| {
        view! {
            <script
                type="application/json"
                id=i18n::PAGE_TEXTS_ID
                nonce=leptos::nonce::use_nonce()
                inner_html=i18n::page_texts(lang)
            ></script>
        }
    });
    #[cfg(feature = "hydrate")]
    let texts = ();
    let scripts =
        loads_script.then(|| view! { <HydrationScripts options=options.clone() islands=true/> });
    view! {
        <!DOCTYPE html>
        <html lang=lang.code() dir=lang.dir()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <meta name=page_state::META_NAME content=state/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                {texts}
                {scripts}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The Content-Security-Policy of a page: its inline scripts by their nonce, and where the
/// page `loads_script` (`PageState::needs_script`) its own script files and WASM too; its
/// own styles and images, nothing from elsewhere, never framed.
#[cfg(feature = "ssr")]
fn set_page_security_policy(loads_script: bool) {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let scripts = if loads_script {
        format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'")
    } else {
        format!("'nonce-{nonce}'")
    };
    let policy = format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// What the browser does once a page's islands are hydrated (called by the WASM entry):
/// marks the page as hydrated (for tests and CSS), turns an answered post into a plain
/// visit, and forgets what the last person typed once nobody is signed in (the page after
/// signing out says so, so it loads the script: `PageState::needs_script`).
#[cfg(feature = "hydrate")]
pub fn page_loaded() {
    forget_answered_post();
    // Signed out (or never signed in): what the last person typed is not offered again;
    // signed in, what anyone else typed at this browser goes too.
    match page_state::page_state().viewer {
        None => live::drafts::forget_all(),
        Some(viewer) => live::drafts::forget_all_but(viewer.user_id),
    }
    // The islands script hydrates each island in a chain of promises after this entry
    // returns; a timer runs once that chain is done.
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}

/// A refused form post, or one that made a one-time link, is shown at the address it was
/// sent to; once the page runs, its history entry becomes a plain visit, so reloading shows
/// the page instead of posting the form again.
#[cfg(feature = "hydrate")]
fn forget_answered_post() {
    let answered_post = page_state::page_state()
        .notice
        .is_some_and(|n| n.kind == page_state::NoticeKind::Error || n.link.is_some());
    if !answered_post {
        return;
    }
    let window = window();
    if let (Ok(history), Ok(href)) = (window.history(), window.location().href()) {
        let _ =
            history.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&href));
    }
}

/// The pages that read the same to every visitor who is not signed in (only the data, the
/// language and these query parameters change them), so app servers keep them rendered
/// (`server/src/page_cache.rs`): the overview, the members, a member, a plan (and its
/// printable form), a commitment and its history, and the ways to explore (a region, a
/// value, a policy area, an institution). Keep in step with the routes below.
pub fn is_public_page(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        [""] | ["members"]
            | ["explore"]
            | ["search"]
            | ["regions" | "values" | "policy-areas" | "institutions", _]
            | ["members", _]
            | ["plans", _]
            | ["plans", _, "print"]
            | ["commitments", _]
            | ["commitments", _, "history"]
    )
}

/// The public pages with an island, which load the script for everyone: the search, whose
/// results answer as people type, and the explorer, whose dashboard answers its filter.
pub fn has_public_island(path: &str) -> bool {
    matches!(path, "/search" | "/explore")
}

/// The query parameters the public pages read.
pub const PUBLIC_PAGE_QUERY: &[&str] = &["page", "region", "kind", "dashboard", i18n::LANG_PARAM];

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(request_lang());
    let app_name = t(Key::AppName);
    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() { app_name.to_string() } else { format!("{page} · {app_name}") }
        }/>
        <Router>
            <crate::components::LanguageAlternates/>
            <a class="skip-link" href="#main">{t(Key::SkipToContent)}</a>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <NoticeBanner/>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=OverviewPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("members") view=MembersPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("explore") view=ExplorePage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("search") view=SearchPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("regions"), ParamSegment("key"))
                        view=RegionPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("values"), ParamSegment("key"))
                        view=ValuePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("policy-areas"), ParamSegment("key"))
                        view=PolicyAreaPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("institutions"), ParamSegment("key"))
                        view=InstitutionPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("members"), ParamSegment("slug"))
                        view=MemberPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("members"), ParamSegment("slug"), StaticSegment("plans"))
                        view=MemberPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("plans"), ParamSegment("key"), StaticSegment("status"))
                        view=PlanPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("plans"), ParamSegment("key"), StaticSegment("edit"))
                        view=PlanPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("plans"), ParamSegment("key"))
                        view=PlanPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("commitments"), ParamSegment("code"))
                        view=CommitmentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("commitments"), ParamSegment("code"), StaticSegment("history"))
                        view=CommitmentHistoryPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("plans"), ParamSegment("key"), StaticSegment("print"))
                        view=PlanPrintPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("plans"), ParamSegment("key"), StaticSegment("upload"))
                        view=PlanUploadPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("plans"), ParamSegment("key"), StaticSegment("commitments"))
                        view=NewCommitmentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("commitments"), ParamSegment("code"), StaticSegment("edit"))
                        view=CommitmentEditPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("commitments"), ParamSegment("code"), StaticSegment("self-assessment"))
                        view=CommitmentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("commitments"), ParamSegment("code"), StaticSegment("withdrawal"))
                        view=CommitmentEditPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("commitments"), ParamSegment("code"), StaticSegment("milestones"))
                        view=CommitmentMilestonesPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("milestones"), ParamSegment("id"), StaticSegment("edit"))
                        view=MilestoneEditPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("milestones"), ParamSegment("id"), StaticSegment("position"))
                        view=MilestoneEditPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("commitments"), ParamSegment("code"), StaticSegment("assessments"))
                        view=ScoringPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("assessments"), ParamSegment("id"))
                        view=AssessmentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("assessments"), ParamSegment("id"), StaticSegment("publish"))
                        view=AssessmentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("assessments"), ParamSegment("id"), StaticSegment("revision"))
                        view=AssessmentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("assessments"), ParamSegment("id"), StaticSegment("delete"))
                        view=AssessmentPage
                        ssr=SsrMode::Async
                    />
                    // Every address a form posts to is also a page, so a refused post is shown
                    // where it was sent and the browser's app finds a route there.
                    <Route
                        path=(StaticSegment("milestones"), ParamSegment("id"), StaticSegment("updates"))
                        view=MilestonePage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("sign-out") view=SignOutPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("account") view=AccountPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("account"), StaticSegment("password"))
                        view=AccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("sign-out-everywhere"))
                        view=AccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("invitations"), ParamSegment("token"))
                        view=InvitationPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("password-reset"), ParamSegment("token"))
                        view=PasswordResetPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("accounts"))
                        view=AdminAccountsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("invitations"))
                        view=AdminAccountsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("grants"), ParamSegment("id"), StaticSegment("revoke"))
                        view=AdminAccountsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("accounts"), ParamSegment("id"))
                        view=AdminAccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("accounts"), ParamSegment("id"), StaticSegment("grants"))
                        view=AdminAccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("accounts"), ParamSegment("id"), StaticSegment("disabled"))
                        view=AdminAccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("accounts"), ParamSegment("id"), StaticSegment("reset-link"))
                        view=AdminAccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("members"))
                        view=AdminMembersPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("members"), ParamSegment("code"))
                        view=AdminMemberPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("audit"))
                        view=AuditLogPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}
