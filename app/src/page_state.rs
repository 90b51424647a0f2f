//! What a page knows about its request beyond the URL: the signed-in person, the CSRF
//! token its forms carry, and the notice left by the last form post.
//!
//! The server builds it per request and renders it into a `<meta>` of the document head;
//! the browser reads it back from there, so islands hydrate with the same controls.

use crate::domain::Viewer;
use crate::i18n::Key;
use serde::{Deserialize, Serialize};

/// Name of the hidden form field (and `x-csrf-token` header) that carries the token.
pub const CSRF_FIELD: &str = "_csrf";
/// Name of the `<meta>` element that carries the state to the browser.
pub const META_NAME: &str = "ogp-state";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeKind {
    Success,
    Error,
}

/// A message about the last form post: what was saved, or what was wrong and where.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub message: Key,
    /// `{name}` values of the message.
    pub values: Vec<(String, String)>,
    /// The form field the error is about, by its `name`.
    pub field: Option<String>,
    /// A one-time link to show to an admin, once.
    pub link: Option<String>,
}

impl Notice {
    pub fn success(message: Key) -> Notice {
        Notice {
            kind: NoticeKind::Success,
            message,
            values: Vec::new(),
            field: None,
            link: None,
        }
    }

    pub fn error(message: Key, field: Option<&str>) -> Notice {
        Notice {
            kind: NoticeKind::Error,
            message,
            values: Vec::new(),
            field: field.map(str::to_string),
            link: None,
        }
    }

    /// The message in `lang`, placeholders filled in.
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        crate::i18n::fill(
            crate::i18n::text(lang, self.message),
            self.values.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        )
    }

    pub fn with(mut self, name: &str, value: impl Into<String>) -> Notice {
        self.values.push((name.to_string(), value.into()));
        self
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageState {
    pub csrf_token: String,
    pub viewer: Option<Viewer>,
    pub notice: Option<Notice>,
    /// What the person typed into the form that failed (never passwords), to fill it again.
    pub form_values: Vec<(String, String)>,
    /// Demo accounts exist: the sign-in page lists them.
    pub demo_mode: bool,
    /// What an uploaded plan file would do (or did), shown on the upload page.
    pub upload_preview: Option<crate::domain::UploadPreview>,
    /// The request carried a session that has ended (expired, signed out elsewhere, the
    /// account disabled): this page forgets the drafts kept in the browser.
    #[serde(default)]
    pub session_ended: bool,
    /// A public page with an island ([`crate::has_public_island`]): the search, whose
    /// results answer as people type, and the dashboard explorer.
    #[serde(default)]
    pub interactive: bool,
}

impl PageState {
    pub fn form_value(&self, name: &str) -> String {
        self.form_values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// What was typed into field `name` of the form that failed, else `stored` (the form
    /// shown fresh).
    pub fn form_value_or(&self, name: &str, stored: impl Into<String>) -> String {
        match self.form_values.iter().find(|(n, _)| n == name) {
            Some((_, typed)) => typed.clone(),
            None => stored.into(),
        }
    }

    /// The version an edit form carries: the one it was rendered from (field `name` of the
    /// refused post), or `current` when there is none, as after a stale edit, whose
    /// refilled form leaves it out so that the current one is taken.
    pub fn form_version(&self, name: &str, current: i64) -> String {
        match self.form_value(name) {
            typed if typed.is_empty() => current.to_string(),
            typed => typed,
        }
    }

    /// Whether the page loads the WASM, decided before the page is rendered: its islands
    /// (forms checked as people type, the scoring form) are only ever shown to someone
    /// signed in, but for the public pages of [`crate::has_public_island`]; a page
    /// answering a post turns its history entry into a plain visit; the page after signing
    /// out, or after a session ended, forgets the drafts kept in this browser. Any other
    /// page the public reads has nothing for a script to do. An island on a page for the
    /// public must widen this (a test walks the pages and holds every one with an island
    /// to loading it).
    pub fn needs_script(&self) -> bool {
        self.is_personal() || self.interactive
    }

    /// Whether the page is someone's own: signed in, answering a post, or after a session
    /// ended. Any other reads the same to every reader.
    pub fn is_personal(&self) -> bool {
        self.viewer.is_some() || self.notice.is_some() || self.session_ended
    }

    /// Whether the failed field is `name`, for `aria-invalid`.
    pub fn is_invalid(&self, name: &str) -> bool {
        self.notice
            .as_ref()
            .is_some_and(|n| n.kind == NoticeKind::Error && n.field.as_deref() == Some(name))
    }
}

/// The current page's state.
pub fn page_state() -> PageState {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<PageState>().cloned())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        thread_local! {
            static STATE: PageState = read_meta().unwrap_or_default();
        }
        STATE.with(PageState::clone)
    }
}

#[cfg(not(feature = "ssr"))]
fn read_meta() -> Option<PageState> {
    let element = leptos::prelude::document()
        .query_selector(&format!("meta[name=\"{META_NAME}\"]"))
        .ok()??;
    serde_json::from_str(&element.get_attribute("content")?).ok()
}
