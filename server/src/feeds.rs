//! Atom feeds (RFC 4287) of the latest progress updates and published assessments, for the
//! installation (`/updates.atom`), a member, a plan and a commitment (beside each page:
//! `/members/{slug}/updates.atom`, ...), in the reader's language (`?lang=` names one, as
//! feed readers send no cookie).
//!
//! Entry ids are made from the installation's own key and the record's id, so they stay
//! the same in every feed an entry appears in, in every language, at every address the
//! site is reached at. Authors are shown as the pages show them (a role and an
//! institution), never by e-mail.

use crate::http::AppState;
use crate::security::RequestInfo;
use app::components::author_text;
use app::domain::{FeedKind, RecentAssessment, RecentUpdate, Scope};
use app::i18n::{fill, in_language, t, t_with, Key, Lang};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

/// Entries per feed: enough for a reader polling daily, small enough to read at once.
pub const FEED_ENTRIES: u16 = 50;

type Info = Extension<RequestInfo>;

/// The feeds' routes: one of each kind per scope.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for kind in FeedKind::ALL {
        let file = kind.file_name();
        router = router
            .route(
                &format!("/{file}"),
                get(move |state: State<AppState>, info: Info| feed(state, info, Scope::All, kind)),
            )
            .route(
                &format!("/members/{{slug}}/{file}"),
                get(move |state: State<AppState>, info: Info, Path(slug)| {
                    feed(state, info, Scope::Member(slug), kind)
                }),
            )
            .route(
                &format!("/plans/{{key}}/{file}"),
                get(move |state: State<AppState>, info: Info, Path(key)| {
                    feed(state, info, Scope::Plan(key), kind)
                }),
            )
            .route(
                &format!("/commitments/{{code}}/{file}"),
                get(
                    move |state: State<AppState>, info: Info, Path(code): Path<String>| {
                        // As the commitment's page reads it.
                        feed(state, info, Scope::Commitment(code.to_uppercase()), kind)
                    },
                ),
            );
    }
    router
}

async fn feed(
    State(state): State<AppState>,
    Extension(info): Info,
    scope: Scope,
    kind: FeedKind,
) -> Response {
    match written(&state, &info, &scope, kind).await {
        Ok(Some(xml)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/atom+xml; charset=utf-8"),
                ),
                // Not `public`: the answer may set the CSRF cookie, and without `PUBLIC_URL`
                // its links are on the address the request came by.
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, max-age=60"),
                ),
                // Written in the language the cookie or the browser chose, unless named.
                (
                    header::VARY,
                    HeaderValue::from_static("Accept-Language, Cookie"),
                ),
            ],
            xml,
        )
            .into_response(),
        Ok(None) => info.refuse(StatusCode::NOT_FOUND, Key::ErrNotFound),
        Err(error) => {
            tracing::error!(%error, "cannot write a feed");
            info.refuse(StatusCode::INTERNAL_SERVER_ERROR, Key::ErrorText)
        }
    }
}

/// The feed of `kind` for `scope`; `None` when the scope names nothing.
async fn written(
    state: &AppState,
    info: &RequestInfo,
    scope: &Scope,
    kind: FeedKind,
) -> Result<Option<String>, app::storage::StorageError> {
    let key = state.installation_key().await?.to_vec();
    let mut conn = state.db.acquire().await?;
    let Some(name) = app::storage::scope_name(&mut conn, scope).await? else {
        return Ok(None);
    };
    let records = match kind {
        FeedKind::Updates => {
            Records::Updates(app::storage::recent_updates(&mut conn, scope, FEED_ENTRIES).await?)
        }
        FeedKind::Assessments => Records::Assessments(
            app::storage::recent_assessments(&mut conn, scope, FEED_ENTRIES).await?,
        ),
    };
    drop(conn);
    let lang = info.lang;
    let with_lang = |path: &str| {
        let (path, anchor) = path.split_once('#').map_or((path, ""), |(p, a)| (p, a));
        let anchor = if anchor.is_empty() {
            String::new()
        } else {
            format!("#{anchor}")
        };
        state.absolute_url(info, &format!("{}{anchor}", lang.address(path, "")))
    };
    let feed_path = scope.feed_path(kind);
    let feed = in_language(lang, || {
        let entries = match &records {
            Records::Updates(updates) => updates
                .iter()
                .map(|u| update_entry(u, &key, with_lang(&u.path())))
                .collect(),
            Records::Assessments(assessments) => assessments
                .iter()
                .map(|a| assessment_entry(a, &key, with_lang(&a.path())))
                .collect(),
        };
        let title_key = match kind {
            FeedKind::Updates => Key::FeedUpdatesTitle,
            FeedKind::Assessments => Key::FeedAssessmentsTitle,
        };
        Feed {
            id: record_id(&key, &format!("feed:{feed_path}")),
            lang,
            title: t_with(title_key, &[("scope", &app::components::scope_text(&name))]),
            self_url: with_lang(&feed_path),
            page_url: with_lang(&scope.page_path()),
            site: t(Key::AppName).to_string(),
            entries,
        }
    });
    Ok(Some(feed.xml()))
}

enum Records {
    Updates(Vec<RecentUpdate>),
    Assessments(Vec<RecentAssessment>),
}

fn update_entry(update: &RecentUpdate, key: &[u8], link: String) -> Entry {
    let title = t_with(
        Key::FeedUpdateEntry,
        &[
            ("code", &update.commitment_code),
            ("milestone", &update.milestone_title),
            ("status", t(update.status.label_key())),
            ("progress", &update.progress.to_string()),
        ],
    );
    let title = match update.corrects {
        Some(_) => t_with(Key::FeedCorrectionEntry, &[("title", &title)]),
        None => title,
    };
    Entry {
        id: record_id(key, &format!("update:{}", update.id)),
        title,
        at: update.created_at,
        author: author_text(&update.author),
        link,
        content: update.narrative.clone(),
    }
}

fn assessment_entry(assessment: &RecentAssessment, key: &[u8], link: String) -> Entry {
    let title = t_with(
        Key::FeedAssessmentEntry,
        &[
            ("code", &assessment.commitment_code),
            ("source", t(assessment.source.label_key())),
            ("stage", t(assessment.stage.label_key())),
            ("scale", t(assessment.scale.label_key())),
        ],
    );
    let title = if assessment.version > 1 {
        t_with(
            Key::FeedAssessmentVersion,
            &[
                ("title", &title),
                ("version", &assessment.version.to_string()),
            ],
        )
    } else {
        title
    };
    Entry {
        id: record_id(key, &format!("assessment:{}", assessment.id)),
        title,
        at: assessment.published_at,
        author: assessment.assessor.clone(),
        link,
        content: fill(
            t(Key::FeedAssessmentSummary),
            [
                ("assessor", assessment.assessor.as_str()),
                ("code", &assessment.commitment_code),
                ("title", &assessment.commitment_title),
            ],
        ),
    }
}

/// A `urn:uuid:` made from the installation's key and `what` (a SHA-256 cut to a UUID of
/// RFC 9562's version 8, for ids made by their own rule): stable, and unguessable
/// without the key, which says nothing more than the record's own id does.
fn record_id(key: &[u8], what: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(key);
    hash.update(b"\0");
    hash.update(what.as_bytes());
    let mut bytes: [u8; 16] = hash.finalize()[..16].try_into().unwrap_or_default();
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A feed as written.
struct Feed {
    id: String,
    lang: Lang,
    title: String,
    self_url: String,
    page_url: String,
    /// The site's name: the feed's author and generator.
    site: String,
    entries: Vec<Entry>,
}

struct Entry {
    id: String,
    title: String,
    at: DateTime<Utc>,
    author: String,
    link: String,
    content: String,
}

impl Feed {
    /// The Atom document. `updated` is the newest entry's time (a feed without entries
    /// says now), so it changes exactly when an entry comes.
    fn xml(&self) -> String {
        let updated = self
            .entries
            .iter()
            .map(|e| e.at)
            .max()
            .unwrap_or_else(app::storage::now);
        let mut out = String::with_capacity(1024 + 512 * self.entries.len());
        out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        out.push_str(&format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
            self.lang.code()
        ));
        element(&mut out, "id", &self.id);
        element(&mut out, "title", &self.title);
        element(&mut out, "updated", &timestamp(updated));
        link(&mut out, "self", "application/atom+xml", &self.self_url);
        link(&mut out, "alternate", "text/html", &self.page_url);
        out.push_str("<author>");
        element(&mut out, "name", &self.site);
        out.push_str("</author>\n");
        element(&mut out, "generator", "ogp-tracker");
        for entry in &self.entries {
            out.push_str("<entry>\n");
            element(&mut out, "id", &entry.id);
            element(&mut out, "title", &entry.title);
            element(&mut out, "published", &timestamp(entry.at));
            element(&mut out, "updated", &timestamp(entry.at));
            out.push_str("<author>");
            element(&mut out, "name", &entry.author);
            out.push_str("</author>\n");
            link(&mut out, "alternate", "text/html", &entry.link);
            out.push_str("<content type=\"text\">");
            out.push_str(&app::xml::text(&entry.content));
            out.push_str("</content>\n</entry>\n");
        }
        out.push_str("</feed>\n");
        out
    }
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn element(out: &mut String, name: &str, text: &str) {
    out.push_str(&format!("<{name}>{}</{name}>\n", app::xml::text(text)));
}

fn link(out: &mut String, rel: &str, media_type: &str, href: &str) {
    out.push_str(&format!(
        "<link rel=\"{rel}\" type=\"{media_type}\" href=\"{}\"/>\n",
        app::xml::text(href)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_uuids_of_their_record_and_key() {
        let id = record_id(b"key", "update:7");
        assert_eq!(id, record_id(b"key", "update:7"));
        assert_ne!(id, record_id(b"key", "update:8"));
        assert_ne!(id, record_id(b"other", "update:7"));
        let uuid = id.strip_prefix("urn:uuid:").unwrap_or_default();
        let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        // Version 8, RFC variant.
        assert_eq!(&uuid[14..15], "8");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"), "{uuid}");
    }
}
