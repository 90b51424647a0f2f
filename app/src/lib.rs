//! The OGP commitment tracker's shared crate: domain types, translations, components,
//! pages and server functions. Compiled for the server (`ssr`) and the browser (`hydrate`);
//! storage is server-only.

#![recursion_limit = "256"]

pub mod components;
pub mod domain;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod page_state;
pub mod pages;
pub mod policy;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod storage;

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
                Lang::negotiate(header(COOKIE), header(ACCEPT_LANGUAGE))
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|root| root.get_attribute("lang"))
            .and_then(|code| Lang::from_code(&code))
            .unwrap_or_default()
    }
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    #[cfg(feature = "ssr")]
    set_page_security_policy();
    let state = serde_json::to_string(&page_state::page_state()).unwrap_or_default();
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
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The Content-Security-Policy of a page: its own scripts (the hydration script by its
/// nonce) and WASM, its own styles and images, nothing from elsewhere, never framed.
#[cfg(feature = "ssr")]
fn set_page_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(request_lang());
    let app_name = t(Key::AppName);
    // Effects run only in the browser: this marks the page as hydrated, for tests and CSS.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() { app_name.to_string() } else { format!("{page} · {app_name}") }
        }/>
        <Router>
            <a class="skip-link" href="#main">{t(Key::SkipToContent)}</a>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <NoticeBanner/>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=OverviewPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("members") view=MembersPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("members"), ParamSegment("slug"))
                        view=MemberPage
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
                    <Route path=StaticSegment("sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("account") view=AccountPage ssr=SsrMode::Async/>
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
                        path=(StaticSegment("admin"), StaticSegment("accounts"), ParamSegment("id"))
                        view=AdminAccountPage
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
