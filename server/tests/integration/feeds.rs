//! The Atom feeds, read back with an Atom parser, as a feed reader reads them.

use crate::browser::test_router;
use crate::common::*;
use crate::http::get;
use app::domain::{FeedKind, MilestoneStatus, PublicActor, Scope};
use app::storage::{self, NewProgressUpdate};
use atom_syndication::Feed;
use axum::http::{header, StatusCode};
use chrono::{TimeZone, Utc};
use ogp_tracker::commands::demo::{generate, DemoConfig};
use ogp_tracker::commands::Actor;

async fn demo_site() -> (TestDb, axum::Router) {
    let t = test_db().await;
    generate(
        &t.db,
        &Actor::CommandLine,
        &DemoConfig {
            scale: 0.08,
            seed: 7,
        },
    )
    .await
    .unwrap();
    let router = test_router(&t.db);
    (t, router)
}

/// The feed at `uri`, parsed; fails on anything but a readable Atom document.
async fn feed(router: &axum::Router, uri: &str) -> (Feed, String) {
    let (status, headers, body) = get(router, uri, &[]).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    assert_eq!(
        headers.get(header::CONTENT_TYPE).unwrap(),
        "application/atom+xml; charset=utf-8"
    );
    let feed = body
        .parse::<Feed>()
        .unwrap_or_else(|e| panic!("{uri} is not Atom: {e}\n{body}"));
    (feed, body)
}

/// What RFC 4287 requires of every feed and entry, and what this site promises besides:
/// absolute links, ids that are UUID URNs, at most 50 entries, no e-mail address.
fn assert_valid(feed: &Feed, body: &str) {
    assert!(feed.id.starts_with("urn:uuid:"), "{}", feed.id);
    assert!(!feed.title.value.is_empty());
    assert!(feed.links.iter().any(|l| l.rel == "self"
        && l.href.starts_with("http://")
        && l.mime_type.as_deref() == Some("application/atom+xml")));
    assert!(feed
        .links
        .iter()
        .any(|l| l.rel == "alternate" && l.href.starts_with("http://")));
    assert!(!feed.authors.is_empty(), "every entry needs an author");
    assert!(feed.entries.len() <= 50);
    let mut ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    for entry in &feed.entries {
        assert!(entry.id.starts_with("urn:uuid:"), "{}", entry.id);
        assert!(!entry.title.value.is_empty());
        assert!(entry.updated <= feed.updated);
        assert!(!entry.authors.is_empty() && !entry.authors[0].name.is_empty());
        assert_eq!(entry.links.len(), 1);
        assert!(
            entry.links[0].href.starts_with("http://"),
            "{}",
            entry.links[0].href
        );
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), feed.entries.len(), "entry ids are unique");
    assert!(!body.contains('@'), "no e-mail address in a feed");
}

/// The ids of the records the entries link to: `/milestones/{m}/updates?..#update-{id}`
/// or `/assessments/{id}?..`.
fn linked_ids(feed: &Feed) -> Vec<i64> {
    feed.entries
        .iter()
        .map(|e| {
            let href = &e.links[0].href;
            let id = href
                .rsplit_once("#update-")
                .map(|(_, id)| id.to_string())
                .or_else(|| {
                    href.split_once("/assessments/")
                        .map(|(_, rest)| rest.split('?').next().unwrap_or_default().to_string())
                })
                .unwrap_or_else(|| panic!("unexpected link {href}"));
            id.parse().unwrap()
        })
        .collect()
}

#[tokio::test]
async fn every_scope_has_valid_feeds_of_its_own_records_newest_first() {
    let (t, router) = demo_site().await;
    let mut db = conn(&t.db).await;
    let member: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT slug FROM members ORDER BY code LIMIT 1"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    let (plan, commitment): (String, String) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT p.plan_key, c.code FROM commitments c
         JOIN action_plans p ON p.id = c.plan_id
         JOIN milestones ms ON ms.commitment_id = c.id
         JOIN progress_updates u ON u.milestone_id = ms.id
         JOIN assessments a ON a.commitment_id = c.id
         ORDER BY c.code LIMIT 1"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    let scopes = [
        Scope::All,
        Scope::Member(member),
        Scope::Plan(plan),
        Scope::Commitment(commitment),
    ];
    for scope in &scopes {
        for kind in FeedKind::ALL {
            let path = scope.feed_path(kind);
            let (feed, body) = feed(&router, &path).await;
            assert_valid(&feed, &body);
            let expected: Vec<i64> = match kind {
                FeedKind::Updates => storage::recent_updates(&mut db, scope, 50)
                    .await
                    .unwrap()
                    .iter()
                    .map(|u| u.id)
                    .collect(),
                FeedKind::Assessments => storage::recent_assessments(&mut db, scope, 50)
                    .await
                    .unwrap()
                    .iter()
                    .map(|a| a.id)
                    .collect(),
            };
            assert!(!expected.is_empty(), "{path}: the demo data has some");
            assert_eq!(linked_ids(&feed), expected, "{path}");
            let times: Vec<_> = feed.entries.iter().map(|e| e.updated).collect();
            assert!(
                times.windows(2).all(|w| w[0] >= w[1]),
                "{path}: newest first"
            );
            assert!(
                feed.links
                    .iter()
                    .any(|l| l.rel == "self" && l.href.contains(&path)),
                "{path}"
            );
        }
    }
    // The scopes hold only their own records: each member feed entry's milestone belongs
    // to the member, and the installation's feed holds the newest of all.
    let (member_feed, _) = feed(&router, &scopes[1].feed_path(FeedKind::Updates)).await;
    let ids = linked_ids(&member_feed);
    let Scope::Member(slug) = &scopes[1] else {
        unreachable!()
    };
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let foreign = scalar(
        &t.db,
        &format!(
            "SELECT COUNT(*) FROM progress_updates u
             JOIN milestones ms ON ms.id = u.milestone_id
             JOIN commitments c ON c.id = ms.commitment_id
             JOIN action_plans p ON p.id = c.plan_id
             JOIN members m ON m.id = p.member_id
             WHERE u.id IN ({}) AND m.slug <> '{slug}'",
            list.join(",")
        ),
    )
    .await;
    assert_eq!(foreign, 0);
    let newest = scalar(&t.db, "SELECT MAX(id) FROM progress_updates").await;
    let (all, _) = feed(&router, "/updates.atom").await;
    assert!(linked_ids(&all).contains(&newest) || all.entries.len() == 50);
}

#[tokio::test]
async fn entry_ids_are_the_same_in_every_feed_language_and_request() {
    let (_t, router) = demo_site().await;
    let (english, _) = feed(&router, "/updates.atom").await;
    let (again, _) = feed(&router, "/updates.atom").await;
    let (spanish, body) = feed(&router, "/updates.atom?lang=es").await;
    let ids = |f: &Feed| f.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&english), ids(&again));
    assert_eq!(ids(&english), ids(&spanish));
    assert_eq!(english.id, spanish.id, "one feed in two languages");
    assert_ne!(english.title.value, spanish.title.value);
    assert_eq!(spanish.lang.as_deref(), Some("es"));
    assert!(
        body.contains("?lang=es"),
        "links lead to the pages in Spanish"
    );
    // Arabic, chosen by the browser's preference this time.
    let (status, _, body) = get(&router, "/updates.atom", &[("accept-language", "ar")]).await;
    assert_eq!(status, StatusCode::OK);
    let arabic = body.parse::<Feed>().unwrap();
    assert_eq!(arabic.lang.as_deref(), Some("ar"));
    assert_eq!(ids(&arabic), ids(&english));
}

#[tokio::test]
async fn any_narrative_makes_a_readable_feed() {
    let (t, router) = demo_site().await;
    let milestone = scalar(&t.db, "SELECT MIN(id) FROM milestones").await;
    let narrative = "Draft <b>law</b> & \"annex\" sent\u{1}\u{b} — نص عربي, été";
    let mut tx = t.db.begin().await.unwrap();
    let id = storage::insert_progress_update(
        &mut tx,
        milestone,
        &NewProgressUpdate {
            author: PublicActor {
                role: Some(app::domain::Role::Poc),
                member: None,
                institution: Some("Ministerio <de> Hacienda & Función Pública".into()),
            },
            author_id: None,
            created_at: Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap(),
            status: MilestoneStatus::InProgress,
            progress: 40,
            narrative: narrative.into(),
            evidence: Vec::new(),
            files: Vec::new(),
            corrects: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (feed, body) = feed(&router, "/updates.atom").await;
    assert_valid(&feed, &body);
    let entry = &feed.entries[0];
    assert_eq!(linked_ids(&feed)[0], id);
    let content = entry.content.as_ref().unwrap().value.as_deref().unwrap();
    assert_eq!(content, "Draft <b>law</b> & \"annex\" sent — نص عربي, été");
    assert!(entry.authors[0]
        .name
        .contains("Ministerio <de> Hacienda & Función Pública"));
    assert!(entry.title.value.contains("40%"), "{}", entry.title.value);
}

#[tokio::test]
async fn feeds_of_nothing_answer_404_and_pages_link_their_feeds() {
    let (t, router) = demo_site().await;
    for path in [
        "/members/nowhere/updates.atom",
        "/plans/AP_XXX01/assessments.atom",
        "/commitments/XX9999/updates.atom",
    ] {
        let (status, _, _) = get(&router, path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let slug: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT slug FROM members ORDER BY code LIMIT 1"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    for (page, scope) in [
        ("/".to_string(), Scope::All),
        (format!("/members/{slug}"), Scope::Member(slug.clone())),
    ] {
        let (status, _, body) = get(&router, &format!("{page}?lang=fr"), &[]).await;
        assert_eq!(status, StatusCode::OK);
        for kind in FeedKind::ALL {
            let href = format!("{}?lang=fr", scope.feed_path(kind));
            assert!(
                body.contains(&format!("<link href=\"{href}\" rel=\"alternate\"")),
                "{page} announces {href}: {body}"
            );
            assert!(
                body.contains(&format!(
                    "href=\"{href}\" data-feed=\"{}\"",
                    kind.file_name()
                )),
                "{page} links {href}"
            );
        }
    }
}
