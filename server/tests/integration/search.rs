//! Search on a small known data set, on both databases: ranking, words in Spanish with and
//! without accents and in Arabic with and without vowel signs, words found in milestones and
//! updates, marks on the matched words, each facet's counts, the index kept by every write
//! and rebuilt when owed, and the page.

use crate::browser::test_router;
use crate::common::*;
use crate::http::get;
use crate::storage::{commitment, member, milestone, plan};
use app::domain::search::{Facet, FoundIn, SearchRequest, SearchResults};
use app::domain::*;
use app::storage::{self, NewProgressUpdate};
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Spain (Europe): ES0001 "Transparencia en la contratación pública", whose title holds the
/// word, and ES0002, whose description does; one milestone of ES0001 overdue. Morocco
/// (Africa): MA0001 in Arabic with vowel signs. France (Europe): FR0001, whose update speaks
/// of the lobbies register; its IRM end-of-term completion is complete.
async fn known_data(db: &storage::Db) -> Vec<i64> {
    let mut tx = db.begin().await.unwrap();
    let spain = storage::insert_member(&mut tx, &member("ESP", "Spain", Region::Europe), false)
        .await
        .unwrap();
    let morocco = storage::insert_member(&mut tx, &member("MAR", "Morocco", Region::Africa), false)
        .await
        .unwrap();
    let france = storage::insert_member(&mut tx, &member("FRA", "France", Region::Europe), false)
        .await
        .unwrap();
    let esp = storage::insert_plan(&mut tx, &plan("ESP", 4), spain)
        .await
        .unwrap();
    let mar = storage::insert_plan(&mut tx, &plan("MAR", 2), morocco)
        .await
        .unwrap();
    let fra = storage::insert_plan(&mut tx, &plan("FRA", 2), france)
        .await
        .unwrap();

    let mut es1 = commitment("ES0001", "AP_ESP04", "1");
    es1.title = "Transparencia en la contratación pública".into();
    es1.full_text = Some("Publicar todos los contratos del Estado.".into());
    let mut es2 = commitment("ES0002", "AP_ESP04", "2");
    es2.title = "Portal del presupuesto".into();
    es2.full_text = Some(
        "Un portal abierto que da transparencia al presupuesto nacional, línea por línea.".into(),
    );
    es2.values = vec![OgpValue::CivicParticipation];
    es2.policy_areas = vec!["Fiscal Openness".into()];
    let mut ma1 = commitment("MA0001", "AP_MAR02", "1");
    ma1.title = "تعزيز الشَّفَافِيَّة في الميزانية".into();
    ma1.full_text = Some("نشر الميزانية المفتوحة".into());
    let mut fr1 = commitment("FR0001", "AP_FRA02", "1");
    fr1.title = "Justice ouverte".into();
    fr1.full_text = Some("Publier les décisions de justice.".into());
    fr1.values = vec![OgpValue::PublicAccountability];
    fr1.policy_areas = vec!["Open Justice".into()];
    let mut ids = Vec::new();
    for (new, plan_id) in [(es1, esp), (es2, esp), (ma1, mar), (fr1, fra)] {
        ids.push(
            storage::insert_commitment(&mut tx, &new, plan_id, &[])
                .await
                .unwrap(),
        );
    }
    let mut portal = milestone(1, MilestoneStatus::InProgress, 40, 1.0, "2020-01-01");
    portal.title = "Abrir el portal de datos".into();
    storage::insert_milestone(&mut tx, ids[0], &portal)
        .await
        .unwrap();
    let done = milestone(1, MilestoneStatus::Completed, 100, 1.0, "2023-01-01");
    let fr_milestone = storage::insert_milestone(&mut tx, ids[3], &done)
        .await
        .unwrap();
    storage::insert_progress_update(
        &mut tx,
        fr_milestone,
        &NewProgressUpdate {
            author: PublicActor::default(),
            author_id: None,
            created_at: Utc::now(),
            status: MilestoneStatus::Completed,
            progress: 100,
            narrative: "Le registre des lobbies est désormais publié chaque mois.".into(),
            evidence: Vec::new(),
            files: Vec::new(),
            corrects: None,
        },
    )
    .await
    .unwrap();
    irm_completion(&mut tx, ids[3], Completion::Complete).await;
    tx.commit().await.unwrap();
    ids
}

async fn search(db: &storage::Db, pairs: &[(&str, &str)]) -> SearchResults {
    let request = SearchRequest::from_pairs(pairs.iter().copied()).unwrap();
    storage::search(db, &request, today()).await.unwrap()
}

fn codes(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.code.as_str()).collect()
}

fn marked_words(pieces: &[app::domain::search::Piece]) -> Vec<&str> {
    pieces
        .iter()
        .filter(|p| p.matched)
        .map(|p| p.text.as_str())
        .collect()
}

/// A facet's counts by value.
fn counts(results: &SearchResults, facet: Facet) -> Vec<(String, usize)> {
    let mut found: Vec<(String, usize)> = results
        .facets
        .iter()
        .find(|f| f.facet == facet)
        .unwrap()
        .values
        .iter()
        .map(|v| (v.key.clone(), v.count))
        .collect();
    found.sort();
    found
}

fn pairs(list: &[(&str, usize)]) -> Vec<(String, usize)> {
    let mut found: Vec<(String, usize)> = list.iter().map(|(k, n)| (k.to_string(), *n)).collect();
    found.sort();
    found
}

#[tokio::test]
async fn a_title_match_ranks_above_a_description_match_with_or_without_accents() {
    let t = test_db().await;
    known_data(&t.db).await;
    for query in ["transparencia", "TRANSPARÊNCIA", "transpar"] {
        let results = search(&t.db, &[("q", query)]).await;
        assert_eq!(codes(&results), ["ES0001", "ES0002"], "{query}");
        assert_eq!(results.total, 2);
        assert_eq!(marked_words(&results.hits[0].title), ["Transparencia"]);
        // The description's match is shown, marked, in its place.
        let (found_in, excerpt) = results.hits[1].excerpt.clone().unwrap();
        assert_eq!(found_in, FoundIn::Commitment);
        assert_eq!(marked_words(&excerpt), ["transparencia"]);
    }
    // Written without its accent, the word finds the accented one and marks it as written.
    let results = search(&t.db, &[("q", "contratacion publica")]).await;
    assert_eq!(codes(&results), ["ES0001"]);
    assert_eq!(
        marked_words(&results.hits[0].title),
        ["contratación", "pública"]
    );
    // Every word must be found.
    assert_eq!(
        search(&t.db, &[("q", "transparencia justice")]).await.total,
        0
    );
}

#[tokio::test]
async fn words_searched_again_are_ranked_and_counted_as_the_first_time() {
    let t = test_db().await;
    known_data(&t.db).await;
    // ES0002 has the word in its title, ES0001 only in a milestone: the title first, out of
    // code order.
    let first = search(&t.db, &[("q", "portal")]).await;
    assert_eq!(codes(&first), ["ES0002", "ES0001"]);
    let values = pairs(&[("access_to_information", 1), ("civic_participation", 1)]);
    assert_eq!(counts(&first, Facet::Value), values);
    // The same words (kept with the facts once found), written otherwise, on their own and
    // with a facet: the same order and counts.
    let again = search(&t.db, &[("q", "PORTAL")]).await;
    assert_eq!(codes(&again), ["ES0002", "ES0001"]);
    assert_eq!(again.total, 2);
    assert_eq!(counts(&again, Facet::Value), counts(&first, Facet::Value));
    assert_eq!(counts(&again, Facet::Member), counts(&first, Facet::Member));
    let narrowed = search(&t.db, &[("q", "Portal"), ("value", "civic_participation")]).await;
    assert_eq!(codes(&narrowed), ["ES0002"]);
    // ES0001 fails only the value chosen: counted there, as choosing its own would bring it.
    assert_eq!(counts(&narrowed, Facet::Value), values);
    assert_eq!(counts(&narrowed, Facet::Member), pairs(&[("spain", 1)]));
    // Asked again (its words and filters counted once, kept), on a page past the last: the
    // last page, as counted the first time.
    let again = search(
        &t.db,
        &[
            ("value", "civic_participation"),
            ("q", "portal"),
            ("page", "3"),
        ],
    )
    .await;
    assert_eq!(
        (codes(&again), again.page, again.total),
        (vec!["ES0002"], 1, 1)
    );
    assert_eq!(counts(&again, Facet::Value), values);
    // Other words are found afresh, not taken for these.
    assert_eq!(
        codes(&search(&t.db, &[("q", "portal datos")]).await),
        ["ES0001"]
    );
}

#[tokio::test]
async fn arabic_is_found_without_its_vowel_signs_and_marked_with_them() {
    let t = test_db().await;
    known_data(&t.db).await;
    for query in ["الشفافية", "الشفافيه", "الشَّفَافِيَّة"] {
        let results = search(&t.db, &[("q", query)]).await;
        assert_eq!(codes(&results), ["MA0001"], "{query}");
        assert_eq!(marked_words(&results.hits[0].title), ["الشَّفَافِيَّة"]);
    }
    // A word of the description is found there.
    let results = search(&t.db, &[("q", "المفتوحه")]).await;
    assert_eq!(codes(&results), ["MA0001"]);
    let (found_in, excerpt) = results.hits[0].excerpt.clone().unwrap();
    assert_eq!(found_in, FoundIn::Commitment);
    assert_eq!(marked_words(&excerpt), ["المفتوحة"]);
}

#[tokio::test]
async fn words_are_found_in_milestones_and_updates() {
    let t = test_db().await;
    known_data(&t.db).await;
    let results = search(&t.db, &[("q", "registre lobbies")]).await;
    assert_eq!(codes(&results), ["FR0001"]);
    let (found_in, excerpt) = results.hits[0].excerpt.clone().unwrap();
    assert_eq!(found_in, FoundIn::Update);
    assert_eq!(marked_words(&excerpt), ["registre", "lobbies"]);
    let results = search(&t.db, &[("q", "datos")]).await;
    assert_eq!(codes(&results), ["ES0001"]);
    assert_eq!(
        results.hits[0].excerpt.as_ref().unwrap().0,
        FoundIn::Milestone
    );
}

#[tokio::test]
async fn each_facet_counts_what_choosing_its_values_would_leave() {
    let t = test_db().await;
    known_data(&t.db).await;
    let all = search(&t.db, &[]).await;
    assert_eq!(all.total, 4);
    assert_eq!(codes(&all), ["ES0001", "ES0002", "FR0001", "MA0001"]);
    assert_eq!(
        counts(&all, Facet::Region),
        pairs(&[("europe", 3), ("africa_middle_east", 1)])
    );
    assert_eq!(
        counts(&all, Facet::Member),
        pairs(&[("spain", 2), ("france", 1), ("morocco", 1)])
    );
    assert_eq!(counts(&all, Facet::Kind), pairs(&[("national", 4)]));
    assert_eq!(counts(&all, Facet::Cycle), pairs(&[("2022-2024", 4)]));
    assert_eq!(
        counts(&all, Facet::Value),
        pairs(&[
            ("access_to_information", 2),
            ("civic_participation", 1),
            ("public_accountability", 1)
        ])
    );
    assert_eq!(
        counts(&all, Facet::PolicyArea),
        pairs(&[
            ("open-contracting", 2),
            ("fiscal-openness", 1),
            ("open-justice", 1)
        ])
    );
    assert_eq!(
        counts(&all, Facet::Status),
        pairs(&[("completed", 1), ("in_progress", 1), ("not_started", 2)])
    );
    assert_eq!(counts(&all, Facet::Completion), pairs(&[("complete", 1)]));
    assert_eq!(counts(&all, Facet::Overdue), pairs(&[("yes", 1)]));

    // Narrowed to Europe: the region's own counts still show Africa (choosing it instead
    // would leave one); the other facets count Europe's three.
    let europe = search(&t.db, &[("region", "europe")]).await;
    assert_eq!(europe.total, 3);
    assert_eq!(
        counts(&europe, Facet::Region),
        pairs(&[("europe", 3), ("africa_middle_east", 1)])
    );
    assert_eq!(
        counts(&europe, Facet::Member),
        pairs(&[("spain", 2), ("france", 1)])
    );
    // Two facets and words: shared by address, read back the same.
    let request = SearchRequest::from_pairs([
        ("q", "portal"),
        ("region", "europe"),
        ("value", "civic_participation"),
    ])
    .unwrap();
    let address = request.address();
    let again = SearchRequest::from_pairs(
        address
            .split_once('?')
            .unwrap()
            .1
            .split('&')
            .map(|pair| pair.split_once('=').unwrap()),
    )
    .unwrap();
    assert_eq!(again, request);
    let narrowed = storage::search(&t.db, &request, today()).await.unwrap();
    assert_eq!(codes(&narrowed), ["ES0002"]);
    assert_eq!(
        counts(&narrowed, Facet::Value),
        pairs(&[("access_to_information", 1), ("civic_participation", 1)])
    );
    // A member no commitment has leaves nothing.
    assert_eq!(search(&t.db, &[("member", "atlantis")]).await.total, 0);
    let overdue = search(&t.db, &[("overdue", "yes")]).await;
    assert_eq!(codes(&overdue), ["ES0001"]);
    let complete = search(&t.db, &[("completion", "complete")]).await;
    assert_eq!(codes(&complete), ["FR0001"]);
}

#[tokio::test]
async fn every_write_keeps_the_index_and_a_start_rebuilds_it_when_owed() {
    let t = test_db().await;
    let ids = known_data(&t.db).await;
    let kept = |q: &'static str| {
        let db = t.db.clone();
        async move {
            let request = SearchRequest::from_pairs([("q", q)]).unwrap();
            storage::kept_search(&db, &Default::default(), &request, today())
                .await
                .unwrap()
                .total
        }
    };
    // Kept, then asked again after the write: never the kept answer from before it.
    assert_eq!(kept("ouverte").await, 1);
    assert_eq!(kept("ouverte").await, 1);
    // An edited title: the old word is gone, the new one found.
    let mut tx = t.db.begin().await.unwrap();
    let mut edited = commitment("FR0001", "AP_FRA02", "1");
    edited.title = "Registre des représentants d'intérêts".into();
    assert!(
        storage::update_commitment(&mut tx, ids[3], &edited, &[], None)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert_eq!(kept("ouverte").await, 0);
    assert_eq!(search(&t.db, &[("q", "ouverte")]).await.total, 0);
    assert_eq!(
        codes(&search(&t.db, &[("q", "representants")]).await),
        ["FR0001"]
    );
    // Its update's words stay found.
    assert_eq!(codes(&search(&t.db, &[("q", "lobbies")]).await), ["FR0001"]);

    // An index emptied and owed a rebuild is rebuilt on the next start.
    write_sql(&t.db, "DELETE FROM search_index").await;
    write_sql(&t.db, "UPDATE search_state SET version = 0").await;
    assert_eq!(search(&t.db, &[("q", "lobbies")]).await.total, 0);
    t.db.migrate().await.unwrap();
    assert_eq!(codes(&search(&t.db, &[("q", "lobbies")]).await), ["FR0001"]);
    assert_eq!(search(&t.db, &[("q", "transparencia")]).await.total, 2);
    assert_eq!(
        scalar(&t.db, "SELECT version FROM search_state").await,
        storage::SEARCH_INDEX_VERSION
    );
}

#[tokio::test]
async fn the_page_shares_its_search_by_address_and_refuses_an_unknown_filter() {
    let t = test_db().await;
    known_data(&t.db).await;
    let router = test_router(&t.db);
    let (status, _, page) = get(
        &router,
        "/search?q=transparencia&region=europe&member=spain",
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"data-total="2""#), "{page}");
    assert!(page.contains(r#"data-code="ES0001""#));
    assert!(page.contains("<mark>Transparencia</mark>"));
    // Each facet value links to the search narrowed by it, with its count.
    // (In one order, whatever order the address had.)
    assert!(page.contains(
        r#"href="/search?q=transparencia&amp;member=spain&amp;region=europe&amp;value=civic_participation""#
    ));
    assert!(page.contains(r#"data-facet="value" data-value="civic_participation" data-count="1""#));
    // Chosen filters can be removed, one at a time.
    assert!(page.contains(r#"data-remove="member" data-value="spain""#));
    // The page loads its script, for the results to answer as people type.
    assert!(page.contains(r#"<leptos-island data-component="LiveSearch_"#));
    assert!(page.contains("hydrateIslands"));

    let (status, _, page) = get(&router, "/search?q=nothing+like+this", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"data-total="0""#));
    assert!(page.contains(r#"data-empty="true""#));

    let (status, _, page) = get(&router, "/search?region=atlantis", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("region"), "{page}");
}

/// An IRM end-of-term assessment of commitment `id` with completion `level`.
/// The IRM's end-of-term assessment giving `level` of completion.
fn irm_assessment(level: Completion) -> Assessment {
    Assessment {
        source: AssessmentSource::Irm,
        assessor: "IRM".into(),
        stage: Stage::EndOfTerm,
        scale: ScaleSet::Refreshed,
        scores: vec![Score {
            indicator: Indicator::Completion,
            value: ScoreValue::Rated(Rating::Completion(level)),
            justification: None,
            evidence: Vec::new(),
        }],
    }
}

async fn irm_completion(tx: &mut storage::Tx, id: i64, level: Completion) {
    storage::save_assessment(tx, id, &irm_assessment(level), Utc::now(), true)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn similar_commitments_elsewhere_share_a_policy_area_or_title_words_best_results_first() {
    let t = test_db().await;
    known_data(&t.db).await;
    let plan_id = |key: &'static str| {
        let db = t.db.clone();
        async move {
            scalar(
                &db,
                &format!("SELECT id FROM action_plans WHERE plan_key = '{key}'"),
            )
            .await
        }
    };
    let (fra, mar) = (plan_id("AP_FRA02").await, plan_id("AP_MAR02").await);
    let mut tx = t.db.begin().await.unwrap();
    // France: the same policy area as ES0001 only, and complete at the end of term.
    let mut fr2 = commitment("FR0002", "AP_FRA02", "2");
    fr2.title = "Registre des marchés".into();
    fr2.full_text = None;
    let fr2_id = storage::insert_commitment(&mut tx, &fr2, fra, &[])
        .await
        .unwrap();
    irm_completion(&mut tx, fr2_id, Completion::Complete).await;
    // Morocco: the area and ES0001's title words, no results.
    let mut ma2 = commitment("MA0002", "AP_MAR02", "2");
    ma2.title = "Transparencia y contratación".into();
    storage::insert_commitment(&mut tx, &ma2, mar, &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let similar = storage::similar_commitments(&t.db, "ES0001", today())
        .await
        .unwrap()
        .unwrap();
    let codes: Vec<&str> = similar.iter().map(|s| s.code.as_str()).collect();
    // Spain's own ES0002 is not "elsewhere"; FR0002's result puts it before the more alike.
    assert_eq!(codes, ["FR0002", "MA0002", "MA0001"]);
    assert_eq!(similar[0].shared_areas, ["Open Contracting"]);
    assert_eq!(similar[0].completion, Some(Completion::Complete));
    assert_eq!(similar[0].results(), 1);
    assert_eq!(similar[1].member_slug, "morocco");
    // Sharing nothing with any other member's commitment: none.
    let none = storage::similar_commitments(&t.db, "ES0002", today())
        .await
        .unwrap()
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
    assert!(storage::similar_commitments(&t.db, "XX9999", today())
        .await
        .unwrap()
        .is_none());

    let (status, _, page) = get(&test_router(&t.db), "/commitments/ES0001", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let section = &page[page.find(r#"data-section="similar""#).unwrap()..];
    let first = section.find(r#"data-similar="FR0002""#).unwrap();
    let second = section.find(r#"data-similar="MA0002""#).unwrap();
    assert!(first < second);
    assert!(!section.contains(r#"data-similar="ES0002""#));
}

#[tokio::test]
async fn each_dashboard_counts_its_commitments_results_and_links_each_figure_to_its_list() {
    let t = test_db().await;
    known_data(&t.db).await;
    for (scope, complete) in [
        (Scope::All, 1),
        (Scope::Region(Region::Europe), 1),
        (Scope::Member("france".into()), 1),
        (Scope::Plan("AP_FRA02".into()), 1),
        (Scope::Institution("Ministry of Finance".into()), 1),
        (Scope::Member("spain".into()), 0),
        (Scope::PolicyArea("open-contracting".into()), 0),
    ] {
        let dashboard = storage::kept_dashboard(&t.db, &Default::default(), &scope, today())
            .await
            .unwrap()
            .unwrap();
        let latest = dashboard.chart(ChartId::LatestCompletion).unwrap();
        let bar = latest.bars.iter().find(|b| b.key == "complete").unwrap();
        assert_eq!(bar.value, complete, "{scope:?}");
        let results = dashboard.chart(ChartId::Results).unwrap();
        assert_eq!(
            results
                .bars
                .iter()
                .map(|b| b.key.as_str())
                .collect::<Vec<_>>(),
            ["starred", "promising", "strong_results"]
        );
        // Each cycle's bar is its commitments assessed: together, the latest completion's.
        let by_cycle = dashboard.chart(ChartId::CompletionByCycle).unwrap();
        assert_eq!(by_cycle.total(), latest.total(), "{scope:?}");
        let early = dashboard.chart(ChartId::EarlyResults).unwrap();
        // Every bar's list holds exactly its figure.
        let grouped = by_cycle.groups.iter().chain(&early.groups);
        for bar in latest
            .bars
            .iter()
            .chain(&results.bars)
            .chain(grouped.flat_map(|g| &g.bars))
        {
            let href = bar.href.as_deref().unwrap();
            let query = href.strip_prefix("/search?").unwrap();
            let pairs: Vec<(String, String)> = query
                .split('&')
                .map(|pair| {
                    let (name, value) = pair.split_once('=').unwrap();
                    let value = value.replace('+', " ").replace("%20", " ");
                    (name.to_string(), value)
                })
                .collect();
            let request =
                SearchRequest::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
                    .unwrap();
            let listed = storage::search(&t.db, &request, today()).await.unwrap();
            assert_eq!(listed.total as i64, bar.value, "{scope:?} {href}");
        }
    }
    // The milestones chart's bars list the commitments holding those milestones.
    let all = storage::kept_dashboard(&t.db, &Default::default(), &Scope::All, today())
        .await
        .unwrap()
        .unwrap();
    let milestones = all.chart(ChartId::Milestones).unwrap();
    for (state, figure, listed) in [
        ("completed", 1, vec!["FR0001"]),
        ("on_time", 0, vec![]),
        ("overdue", 1, vec!["ES0001"]),
        ("withdrawn", 0, vec![]),
    ] {
        let bar = milestones.bars.iter().find(|b| b.key == state).unwrap();
        assert_eq!(bar.value, figure, "{state}");
        assert_eq!(
            bar.href.as_deref(),
            Some(format!("/search?milestones={state}").as_str())
        );
        assert_eq!(
            codes(&search(&t.db, &[("milestones", state)]).await),
            listed,
            "{state}"
        );
    }
    // The end-of-term completion's levels list the commitments at each.
    let complete = all
        .chart(ChartId::Completion)
        .unwrap()
        .bars
        .iter()
        .find(|b| b.key == "complete")
        .unwrap();
    assert_eq!(complete.value, 1);
    assert_eq!(
        complete.href.as_deref(),
        Some("/search?end_of_term=complete")
    );
    assert_eq!(
        codes(&search(&t.db, &[("end_of_term", "complete")]).await),
        ["FR0001"]
    );
    let europe = storage::kept_dashboard(
        &t.db,
        &Default::default(),
        &Scope::Region(Region::Europe),
        today(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        europe.chart(ChartId::Milestones).unwrap().bars[2]
            .href
            .as_deref(),
        Some("/search?region=europe&milestones=overdue")
    );
    // The page shows the figure as a link to its list.
    let (status, _, page) = get(&test_router(&t.db), "/regions/europe", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(
            r#"<a href="/search?region=europe&amp;completion=complete" data-list="complete">1</a>"#
        ),
        "{page}"
    );
}

#[tokio::test]
async fn query_syntax_typed_as_words_is_searched_as_words() {
    let t = test_db().await;
    known_data(&t.db).await;
    // Each database's query operators, quotes, a column filter and a lone spacing mark
    // (alphanumeric to Rust, not a word to either database): searched as plain words,
    // never an error.
    for q in [
        r#""transparencia"#,
        "transparencia' OR '1'='1",
        "justice:* NEAR(a b) AND ^ouverte",
        "{title} : ouverte",
        "\u{0903}",
        "ouverte \u{0903}",
        "*",
        "' & ! |",
    ] {
        let request = SearchRequest::from_pairs([("q", q)]).unwrap();
        storage::search(&t.db, &request, today()).await.unwrap();
        let address = request.address();
        let (status, _, _) = get(&test_router(&t.db), &address, &[]).await;
        assert_eq!(status, StatusCode::OK, "{q:?}");
    }
    assert_eq!(
        codes(&search(&t.db, &[("q", "transparencia' OR '1'='1")]).await),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes(&search(&t.db, &[("q", "{title} : ouverte")]).await),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes(&search(&t.db, &[("q", "\"justice\" ouverte")]).await),
        ["FR0001"]
    );
}

#[tokio::test]
async fn starred_promising_and_strong_results_are_read_from_the_irm_scores() {
    let t = test_db().await;
    let ids = known_data(&t.db).await;
    let rated = |indicator, rating| Score {
        indicator,
        value: ScoreValue::Rated(rating),
        justification: None,
        evidence: Vec::new(),
    };
    let assessment = |stage, scale, scores| Assessment {
        source: AssessmentSource::Irm,
        assessor: "IRM".into(),
        stage,
        scale,
        scores,
    };
    let mut tx = t.db.begin().await.unwrap();
    for (id, assessment) in [
        // ES0002: every condition of the starred rule met, and major results.
        (
            ids[1],
            assessment(
                Stage::Design,
                ScaleSet::Classic,
                vec![
                    rated(
                        Indicator::Specificity,
                        Rating::Specificity(Specificity::High),
                    ),
                    rated(
                        Indicator::Relevance(OgpValue::CivicParticipation),
                        Rating::Relevance(Relevance::Relevant),
                    ),
                    rated(
                        Indicator::PotentialImpact,
                        Rating::PotentialImpact(PotentialImpact::Transformative),
                    ),
                ],
            ),
        ),
        (
            ids[1],
            assessment(
                Stage::EndOfTerm,
                ScaleSet::Classic,
                vec![
                    rated(
                        Indicator::Completion,
                        Rating::Completion(Completion::Substantial),
                    ),
                    rated(
                        Indicator::OpenedGovernment,
                        Rating::OpenedGovernment(OpenedGovernment::Major),
                    ),
                ],
            ),
        ),
        // MA0001: promising, on the refreshed scale.
        (
            ids[2],
            assessment(
                Stage::Design,
                ScaleSet::Refreshed,
                vec![rated(Indicator::Promising, Rating::YesNo(YesNo::Yes))],
            ),
        ),
    ] {
        storage::save_assessment(&mut tx, id, &assessment, Utc::now(), true)
            .await
            .unwrap()
            .unwrap();
    }
    tx.commit().await.unwrap();
    // The commitment's own page says starred too: the search reads the same scores.
    let detail = storage::commitment_detail(&mut conn(&t.db).await, "ES0002")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.starred(), Some(true));
    assert_eq!(
        codes(&search(&t.db, &[("starred", "yes")]).await),
        ["ES0002"]
    );
    assert_eq!(
        codes(&search(&t.db, &[("results", "yes")]).await),
        ["ES0002"]
    );
    assert_eq!(
        codes(&search(&t.db, &[("promising", "yes")]).await),
        ["MA0001"]
    );
    assert_eq!(
        codes(&search(&t.db, &[("completion", "substantial")]).await),
        ["ES0002"]
    );
    let results = storage::kept_dashboard(&t.db, &Default::default(), &Scope::All, today())
        .await
        .unwrap()
        .unwrap();
    let figures: Vec<i64> = results
        .chart(ChartId::Results)
        .unwrap()
        .bars
        .iter()
        .map(|b| b.value)
        .collect();
    assert_eq!(figures, [1, 1, 1]);
    // Early results: ES0002's "major" on the classic scale, the only one given.
    assert_eq!(
        codes(&search(&t.db, &[("early", "opened.major")]).await),
        ["ES0002"]
    );
    let early = results.chart(ChartId::EarlyResults).unwrap();
    assert_eq!(
        early
            .groups
            .iter()
            .map(|g| g.key.as_str())
            .collect::<Vec<_>>(),
        ["opened"],
        "a scale set nothing was scored on is not drawn"
    );
    let drawn: Vec<(&str, i64)> = early.groups[0]
        .bars
        .iter()
        .map(|b| (b.key.as_str(), b.value))
        .collect();
    assert_eq!(
        drawn,
        [
            ("opened.worsened", 0),
            ("opened.did_not_change", 0),
            ("opened.marginal", 0),
            ("opened.major", 1),
            ("opened.outstanding", 0)
        ]
    );
    assert_eq!(
        early.groups[0].bars[3].href.as_deref(),
        Some("/search?early=opened.major")
    );
    // The completion by cycle: ES0002's plan's cycle, substantial.
    let by_cycle = results.chart(ChartId::CompletionByCycle).unwrap();
    assert_eq!(by_cycle.groups.len(), 1);
    let part = &by_cycle.groups[0].bars[0];
    assert_eq!((part.key.as_str(), part.value), ("substantial", 1));
    assert_eq!(
        part.href,
        Some(format!(
            "/search?cycle={}&completion=substantial",
            by_cycle.groups[0].key
        ))
    );
}

/// The facts searches and dashboards count are worked out again only for the commitments
/// each write declared it changed, and come out as if worked out in full; a write that
/// declares nothing, or changes what many commitments share, has them all worked out again.
#[tokio::test]
async fn facts_refreshed_for_the_commitments_written_equal_facts_worked_out_in_full() {
    use app::storage::FactsAt;
    let t = test_db().await;
    let ids = known_data(&t.db).await;
    let mut conn = conn(&t.db).await;
    let earlier = FactsAt::in_full(&mut conn, today()).await.unwrap();
    assert_eq!(earlier.described().len(), 4);

    // A milestone completed (ES0001), an end-of-term assessment (MA0001), a new commitment
    // (FR0002) and an edit of ES0002's title and lead institution, in three writes.
    let mut tx = t.db.begin().await.unwrap();
    let milestone_id: i64 = {
        let milestones = storage::milestones_of(&mut tx, ids[0]).await.unwrap();
        milestones[0].id
    };
    let version = storage::milestones_of(&mut tx, ids[0]).await.unwrap()[0].version;
    assert!(storage::set_milestone_state(
        &mut tx,
        milestone_id,
        version,
        &storage::MilestoneState {
            status: MilestoneStatus::Completed,
            progress: 100,
            completed_on: Some(today()),
        },
    )
    .await
    .unwrap());
    irm_completion(&mut tx, ids[2], Completion::Substantial).await;
    // The government's own end-of-term level for MA0001 (a gap against the IRM's), and a
    // progress update on ES0001 (this month's updates).
    let mut government = irm_assessment(Completion::Complete);
    government.source = AssessmentSource::Government;
    storage::save_assessment(&mut tx, ids[2], &government, Utc::now(), true)
        .await
        .unwrap()
        .unwrap();
    storage::insert_progress_update(
        &mut tx,
        milestone_id,
        &storage::NewProgressUpdate {
            author: PublicActor::default(),
            author_id: None,
            created_at: Utc::now(),
            status: MilestoneStatus::Completed,
            progress: 100,
            narrative: "Done".into(),
            evidence: Vec::new(),
            files: Vec::new(),
            corrects: None,
        },
    )
    .await
    .unwrap();
    storage::index_update(&mut tx, ids[0], "Done")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let fra = storage::stored_plan(&mut tx, "AP_FRA02")
        .await
        .unwrap()
        .unwrap()
        .0;
    let mut fr2 = commitment("FR0002", "AP_FRA02", "2");
    fr2.title = "Ouvrir les données de la justice".into();
    fr2.policy_areas = vec!["Open Justice".into(), "Open Data".into()];
    let fr2 = storage::insert_commitment(&mut tx, &fr2, fra, &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let stored = storage::stored_commitment(&mut tx, "ES0002")
        .await
        .unwrap()
        .unwrap();
    let mut es2 = stored.commitment;
    es2.title = "Presupuesto abierto".into();
    es2.lead_institution = Some("Ministerio de Hacienda".into());
    assert!(
        storage::update_commitment(&mut tx, ids[1], &es2, &[], Some(stored.version))
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();

    let refreshed = earlier.caught_up(&mut conn, today()).await.unwrap();
    let mut expected = vec![ids[0], ids[1], ids[2], fr2];
    expected.sort_unstable();
    assert_eq!(refreshed.refreshed.as_deref(), Some(expected.as_slice()));
    let full = FactsAt::in_full(&mut conn, today()).await.unwrap();
    assert_eq!(refreshed.described(), full.described());
    assert_eq!(full.described().len(), 5);
    let this_month = today().format("%Y-%m").to_string();
    assert!(full
        .described()
        .iter()
        .any(|f| f.contains("MA0001") && f.contains("[1, 0, 0]")));
    assert!(full
        .described()
        .iter()
        .any(|f| f.contains("ES0001") && f.contains(&format!("(\"{this_month}\", 1)"))));
    assert!(full
        .described()
        .iter()
        .any(|f| f.contains("Ministerio de Hacienda")));

    // A member's edit changes every one of its commitments: all are worked out again.
    let mut tx = t.db.begin().await.unwrap();
    let (spain_id, mut spain) = storage::stored_member(&mut tx, "ESP")
        .await
        .unwrap()
        .unwrap();
    spain.region = Some(Region::Americas);
    assert!(storage::update_member(&mut tx, spain_id, &spain, None)
        .await
        .unwrap());
    tx.commit().await.unwrap();
    let after_member = full.caught_up(&mut conn, today()).await.unwrap();
    assert_eq!(after_member.refreshed, None);
    assert!(after_member.described()[0].contains("Some(Americas)"));
    // So does a write that declared nothing.
    let tx = t.db.begin().await.unwrap();
    tx.commit().await.unwrap();
    let undeclared = after_member.caught_up(&mut conn, today()).await.unwrap();
    assert_eq!(undeclared.refreshed, None);
    // And nothing written: nothing worked out again.
    let still = undeclared.caught_up(&mut conn, today()).await.unwrap();
    assert_eq!(still.refreshed, Some(vec![]));
    assert_eq!(still.described(), undeclared.described());

    // A change made by hand, with the version raised as the README says, then a declared
    // write: the change outside is found, and every commitment worked out again.
    on_pool!(&t.db, |pool| {
        sqlx::query("UPDATE commitments SET lead_institution = 'By hand' WHERE code = 'FR0001'")
            .execute(pool)
            .await
            .unwrap();
        sqlx::query("UPDATE site_version SET version = version + 1")
            .execute(pool)
            .await
            .unwrap();
    });
    let mut tx = t.db.begin().await.unwrap();
    irm_completion(&mut tx, ids[0], Completion::Limited).await;
    tx.commit().await.unwrap();
    let after_hand = still.caught_up(&mut conn, today()).await.unwrap();
    assert_eq!(after_hand.refreshed, None);
    assert!(after_hand.described().iter().any(|f| f.contains("By hand")));
}
