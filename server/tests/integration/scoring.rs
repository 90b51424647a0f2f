//! Independent scoring through the site: a reviewer drafts, saves, publishes and revises an
//! assessment under their organisation's name; a published one is never changed; drafts
//! are their organisation's alone; the public sees published versions, side by side.

use crate::browser::*;
use crate::common::*;
use app::domain::{AssessmentSource, AssessmentStatus, Indicator, Role, ScaleSet, Stage};
use app::input::AssessmentInput;
use app::storage::{Backend, Db};
use axum::http::StatusCode;

const ORGANISATION: &str = "Civic Watch";

/// A demo commitment of XAA and the scale set of its plan's year.
async fn commitment_of_xaa(db: &Db) -> (String, ScaleSet) {
    let (code, year): (String, Option<i64>) = on_pool!(db, |pool| sqlx::query_as(
        "SELECT c.code, p.year_submitted FROM commitments c
         JOIN action_plans p ON p.id = c.plan_id JOIN members m ON m.id = p.member_id
         WHERE m.code = 'XAA' ORDER BY c.id LIMIT 1"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    (code, ScaleSet::for_plan_year(year))
}

async fn signed_in(
    db: &Db,
    router: &axum::Router,
    email: &str,
    role: Role,
    member: &str,
    organisation: Option<&str>,
) -> Browser {
    add_user(db, email, &[(role, Some(member), organisation)]).await;
    let mut browser = Browser::new(router);
    browser.sign_in(email, PASSWORD).await;
    browser
}

/// Every end-of-term indicator of `scale` for a reviewer: completion `completion`, with a
/// justification, and "not reviewed" for the rest.
fn end_of_term(scale: ScaleSet, completion: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for indicator in scale.indicators(Stage::EndOfTerm, AssessmentSource::CivilSociety) {
        if indicator == Indicator::Completion {
            fields.push((
                AssessmentInput::level_field(indicator),
                completion.to_string(),
            ));
            fields.push((
                AssessmentInput::justification_field(indicator),
                format!("Judged {completion} from the ministry's reports"),
            ));
            fields.push((
                AssessmentInput::evidence_field(indicator),
                "https://example.org/report Ministry report".to_string(),
            ));
        } else {
            fields.push((AssessmentInput::level_field(indicator), "NR".to_string()));
        }
    }
    fields
}

fn with<'a>(
    fields: &'a [(String, String)],
    more: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .chain(more.iter().copied())
        .collect()
}

/// The id an answer redirected to, from `/assessments/{id}`.
fn assessment_id(location: &str) -> i64 {
    location
        .trim_start_matches("/assessments/")
        .parse()
        .unwrap_or_else(|_| panic!("not an assessment's address: {location}"))
}

async fn status_of(db: &Db, id: i64) -> (String, i64, Option<i64>) {
    on_pool!(db, |pool| sqlx::query_as(
        "SELECT status, version, superseded_by FROM assessments WHERE id = $1"
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap())
}

#[tokio::test]
async fn a_reviewer_drafts_publishes_and_supersedes_and_the_public_sees_each_version() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let (code, scale) = commitment_of_xaa(&t.db).await;
    // The government says complete at end of term.
    let government = ogp_tracker::commands::assessments::self_assess(
        &t.db,
        &ogp_tracker::commands::Actor::CommandLine,
        &code,
        &app::input::SelfAssessmentInput {
            stage: "end_of_term".into(),
            completion: "complete".into(),
            justification: "All milestones done".into(),
        },
    )
    .await;
    assert!(government.is_ok(), "{government:?}");
    let mut reviewer = signed_in(
        &t.db,
        &router,
        "reviewer@civic.example",
        Role::Reviewer,
        "XAA",
        Some(ORGANISATION),
    )
    .await;

    let page = reviewer.get(&format!("/commitments/{code}")).await;
    assert!(
        page.body.contains("data-link=\"score\""),
        "the commitment page offers scoring"
    );
    let start = reviewer
        .get(&format!(
            "/commitments/{code}/assessments?scale={}&stage=end_of_term",
            scale.as_str()
        ))
        .await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(start.body.contains("data-form=\"assessment\""));
    assert!(
        start.body.contains(ORGANISATION),
        "the page says whose name is published"
    );

    // A draft of one level, saved; then refused when stale, changing nothing.
    let fields = vec![
        ("scale".to_string(), scale.as_str().to_string()),
        ("stage".to_string(), "end_of_term".to_string()),
        ("level.completion".to_string(), "substantial".to_string()),
    ];
    let created = reviewer
        .post(
            &format!("/commitments/{code}/assessments"),
            &with(&fields, &[]),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let draft = assessment_id(created.location());
    assert_eq!(status_of(&t.db, draft).await, ("draft".into(), 1, None));
    let again = reviewer
        .post(
            &format!("/commitments/{code}/assessments"),
            &with(&fields, &[]),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "one draft per stage and scale set"
    );
    let saved = reviewer
        .post(
            &format!("/assessments/{draft}"),
            &with(&fields, &[("version", "1")]),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let before = counts(&t.db).await;
    let stale = reviewer
        .post(
            &format!("/assessments/{draft}"),
            &with(&fields, &[("version", "1")]),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(counts(&t.db).await, before);
    assert_eq!(status_of(&t.db, draft).await.1, 2);

    // Nobody else sees the draft, not even another reviewer of the member.
    let mut other = signed_in(
        &t.db,
        &router,
        "other@watch.example",
        Role::Reviewer,
        "XAA",
        Some("Other Watch"),
    )
    .await;
    assert_eq!(
        other.get(&format!("/assessments/{draft}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut public = Browser::new(&router);
    assert_eq!(
        public.get(&format!("/assessments/{draft}")).await.status,
        StatusCode::NOT_FOUND
    );
    let refused = other
        .post(
            &format!("/assessments/{draft}"),
            &with(&fields, &[("version", "2")]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(counts(&t.db).await, before);

    // Publishing needs every indicator, each level justified.
    let incomplete = reviewer
        .post(
            &format!("/assessments/{draft}/publish"),
            &with(&fields, &[("version", "2")]),
        )
        .await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        incomplete.body.contains("aria-invalid=\"true\""),
        "the field is marked"
    );
    assert_eq!(counts(&t.db).await, before);
    let history_before = count(&t.db, "change_entries").await;
    let complete = end_of_term(scale, "limited");
    let published = reviewer
        .post(
            &format!("/assessments/{draft}/publish"),
            &with(&complete, &[("version", "2")]),
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    assert_eq!(published.location(), format!("/assessments/{draft}"));
    let shown = reviewer.get(&format!("/assessments/{draft}")).await;
    assert!(
        shown
            .body
            .contains("data-indicator=\"completion\" data-disagree=\"true\""),
        "the published page compares it with the other sources"
    );
    assert_eq!(status_of(&t.db, draft).await.0, "published");
    assert!(
        count(&t.db, "change_entries").await > history_before,
        "published into public history"
    );

    // The public page: the reviewer's column beside the government's, disagreeing in words.
    let page = public.get(&format!("/commitments/{code}")).await;
    let table = page
        .body
        .split("data-stage=\"end_of_term\" class=\"side-by-side\"")
        .nth(1)
        .expect("an end-of-term comparison");
    let table = &table[..table.find("</table>").unwrap()];
    assert!(table.contains(ORGANISATION));
    assert!(
        table.contains("data-indicator=\"completion\" data-disagree=\"true\""),
        "{table}"
    );
    assert!(
        !page.body.contains("reviewer@civic.example"),
        "never the e-mail"
    );
    // The plan's and the member's pages summarise it: levels by source, and the
    // commitment among those where the sources disagree most.
    let (plan, slug): (String, String) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT p.plan_key, m.slug FROM commitments c JOIN action_plans p ON p.id = c.plan_id
         JOIN members m ON m.id = p.member_id WHERE c.code = $1"
    )
    .bind(&code)
    .fetch_one(pool)
    .await
    .unwrap());
    for page in [format!("/plans/{plan}"), format!("/members/{slug}")] {
        let summary = public.get(&page).await;
        assert!(
            summary
                .body
                .contains(&format!("data-commitment=\"{code}\" data-disagreements=")),
            "{page} lists the commitment where the sources disagree"
        );
        assert!(
            summary
                .body
                .contains("data-indicator=\"completion\" data-source=\"civil_society\""),
            "{page} counts civil society's completion levels"
        );
    }
    let history = public.get(&format!("/commitments/{code}/history")).await;
    assert!(
        history.body.contains(ORGANISATION),
        "the history names the organisation"
    );

    // Published: no route changes it.
    let before = counts(&t.db).await;
    for route in ["", "/publish", "/delete"] {
        let answer = reviewer
            .post(
                &format!("/assessments/{draft}{route}"),
                &with(&complete, &[("version", "3")]),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{route}");
    }
    assert_eq!(counts(&t.db).await, before);

    // A new version starts as a draft with the same levels and supersedes on publishing.
    let revised = reviewer
        .post(&format!("/assessments/{draft}/revision"), &[])
        .await;
    assert_eq!(revised.status, StatusCode::SEE_OTHER, "{}", revised.body);
    let second = assessment_id(revised.location());
    let form = reviewer.get(&format!("/assessments/{second}")).await;
    assert!(
        form.body.contains("Judged limited from the ministry"),
        "the levels carried over"
    );
    let republished = reviewer
        .post(
            &format!("/assessments/{second}/publish"),
            &with(&end_of_term(scale, "substantial"), &[("version", "1")]),
        )
        .await;
    assert_eq!(
        republished.status,
        StatusCode::SEE_OTHER,
        "{}",
        republished.body
    );
    assert_eq!(
        status_of(&t.db, draft).await,
        ("superseded".into(), 3, Some(second))
    );
    assert_eq!(status_of(&t.db, second).await.0, "published");
    let old = public.get(&format!("/assessments/{draft}")).await;
    assert_eq!(
        old.status,
        StatusCode::OK,
        "a superseded version stays readable"
    );
    assert!(old
        .body
        .contains(&format!("data-superseded-by=\"{second}\"")));
    assert!(
        old.body.contains(&format!(
            "data-version=\"{second}\" data-status=\"published\""
        )),
        "each version lists the others"
    );
    let page = public.get(&format!("/commitments/{code}")).await;
    assert!(
        page.body
            .contains("data-indicator=\"completion\" data-disagree=\"false\""),
        "substantial against complete is one step: no disagreement"
    );
    let superseded: Vec<(String, String)> = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT value_before, value_after FROM change_entries
         WHERE record = 'assessment' AND record_id = $1 AND field = 'status'"
    )
    .bind(draft)
    .fetch_all(pool)
    .await
    .unwrap());
    assert_eq!(superseded, vec![("published".into(), "superseded".into())]);
    let evidence = count(&t.db, "assessment_evidence").await;
    assert!(evidence >= 2, "each version keeps its evidence links");
    // PostgreSQL's triggers append changes for a fold; SQLite's add to the counts (0018).
    let (changes, counts) = (
        count(&t.db, "score_changes").await,
        count(&t.db, "score_totals").await,
    );
    match t.db.backend() {
        Backend::Postgres => assert!(changes > 0, "publishing left changes to fold"),
        Backend::Sqlite => assert!(changes == 0 && counts > 0, "counted directly"),
    }
    assert_kept_totals(&t.db).await;
    assert!(count(&t.db, "score_totals").await > 0, "folded into counts");
}

#[tokio::test]
async fn drafts_are_deleted_only_by_their_organisation_and_scorers_need_one() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let (code, scale) = commitment_of_xaa(&t.db).await;
    let mut reviewer = signed_in(
        &t.db,
        &router,
        "reviewer@civic.example",
        Role::Reviewer,
        "XAA",
        Some(ORGANISATION),
    )
    .await;
    let fields = [
        ("scale", scale.as_str()),
        ("stage", "mid_term"),
        ("level.completion", "ND"),
    ];
    let created = reviewer
        .post(&format!("/commitments/{code}/assessments"), &fields)
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let draft = assessment_id(created.location());
    let stored: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT value FROM assessment_scores WHERE assessment_id = $1"
    )
    .bind(draft)
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(stored, "ND", "a missing-value code is kept as itself");

    let mut colleague = signed_in(
        &t.db,
        &router,
        "colleague@civic.example",
        Role::Reviewer,
        "XAA",
        Some(ORGANISATION),
    )
    .await;
    assert_eq!(
        colleague.get(&format!("/assessments/{draft}")).await.status,
        StatusCode::OK,
        "a draft is the organisation's"
    );
    let stale = colleague
        .post(&format!("/assessments/{draft}/delete"), &[("version", "0")])
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let deleted = colleague
        .post(&format!("/assessments/{draft}/delete"), &[("version", "1")])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    assert_eq!(
        scalar(
            &t.db,
            &format!("SELECT COUNT(*) FROM assessments WHERE id = {draft}")
        )
        .await,
        0
    );
    assert_eq!(
        audit_lines(&t.db, "assessment_draft_deleted").await.len(),
        1
    );

    // A reviewer whose role names no organisation is told why, and nothing is written.
    let mut unnamed = signed_in(
        &t.db,
        &router,
        "unnamed@civic.example",
        Role::Reviewer,
        "XAA",
        None,
    )
    .await;
    let before = counts(&t.db).await;
    let refused = unnamed
        .post(&format!("/commitments/{code}/assessments"), &fields)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("data-refused=\"no-organisation\"")
            || refused.body.contains("notice-error")
    );
    assert_eq!(counts(&t.db).await, before);
}

#[tokio::test]
async fn only_the_irm_records_the_promising_judgment() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let (code, _) = commitment_of_xaa(&t.db).await;
    let design = |promising: &'static str| {
        vec![
            ("scale", "refreshed"),
            ("stage", "design"),
            ("level.verifiability", "verifiable"),
            ("level.promising", promising),
        ]
    };
    let mut reviewer = signed_in(
        &t.db,
        &router,
        "reviewer@civic.example",
        Role::Reviewer,
        "XAA",
        Some(ORGANISATION),
    )
    .await;
    let page = reviewer
        .get(&format!(
            "/commitments/{code}/assessments?scale=refreshed&stage=design"
        ))
        .await;
    assert!(
        !page.body.contains("name=\"level.promising\""),
        "a reviewer's form has no promising"
    );
    let created = reviewer
        .post(&format!("/commitments/{code}/assessments"), &design("yes"))
        .await;
    let id = assessment_id(created.location());
    let indicators: Vec<String> = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT indicator FROM assessment_scores WHERE assessment_id = $1"
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap());
    assert_eq!(
        indicators,
        vec!["verifiability".to_string()],
        "the judgment is not a reviewer's"
    );

    let mut irm = signed_in(
        &t.db,
        &router,
        "researcher@irm.example",
        Role::Irm,
        "XAA",
        Some("IRM"),
    )
    .await;
    let page = irm
        .get(&format!(
            "/commitments/{code}/assessments?scale=refreshed&stage=design"
        ))
        .await;
    assert!(page.body.contains("name=\"level.promising\""));
    assert!(page.body.contains("data-scorer=\"irm\""));
    let created = irm
        .post(&format!("/commitments/{code}/assessments"), &design("no"))
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = assessment_id(created.location());
    let draft = irm.get(&format!("/assessments/{id}")).await;
    assert!(
        draft
            .body
            .contains("data-computed=\"promising\" data-value=\"no\""),
        "shown as the IRM's judgment, as recorded"
    );
    let record = app::storage::assessment_record(&mut conn(&t.db).await, id)
        .await
        .unwrap()
        .unwrap()
        .1;
    assert_eq!(record.status, AssessmentStatus::Draft);
    assert_eq!(record.assessment.source, AssessmentSource::Irm);
}

#[tokio::test]
async fn importing_again_never_overwrites_an_irm_researchers_newer_version() {
    let t = test_db().await;
    ogp_tracker::import::import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    let router = test_router(&t.db);
    let (imported, member, scale): (i64, String, ScaleSet) = on_pool!(&t.db, |pool| {
        sqlx::query_as(
            "SELECT a.id, m.code, a.scale FROM assessments a
             JOIN commitments c ON c.id = a.commitment_id
             JOIN action_plans p ON p.id = c.plan_id JOIN members m ON m.id = p.member_id
             WHERE c.code = 'AR0045' AND a.source = 'irm' AND a.stage = 'design'",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    });
    // The researcher's organisation is the name imports give the IRM.
    let mut irm = signed_in(
        &t.db,
        &router,
        "researcher@irm.example",
        Role::Irm,
        &member,
        Some("Independent Reporting Mechanism (IRM)"),
    )
    .await;
    let revised = irm
        .post(&format!("/assessments/{imported}/revision"), &[])
        .await;
    assert_eq!(revised.status, StatusCode::SEE_OTHER, "{}", revised.body);
    let newer = assessment_id(revised.location());
    let not_reviewed: Vec<(String, String)> = scale
        .indicators(Stage::Design, AssessmentSource::Irm)
        .into_iter()
        .map(|i| (AssessmentInput::level_field(i), "NR".to_string()))
        .collect();
    let published = irm
        .post(
            &format!("/assessments/{newer}/publish"),
            &with(&not_reviewed, &[("version", "1")]),
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    assert_eq!(status_of(&t.db, imported).await.0, "superseded");

    ogp_tracker::import::import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    assert_eq!(status_of(&t.db, newer).await.0, "published");
    assert_eq!(status_of(&t.db, imported).await.0, "superseded");
    let values: Vec<String> = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT value FROM assessment_scores WHERE assessment_id = $1"
    )
    .bind(newer)
    .fetch_all(pool)
    .await
    .unwrap());
    assert!(
        !values.is_empty() && values.iter().all(|v| v == "NR"),
        "the researcher's levels stay: {values:?}"
    );
    assert_kept_totals(&t.db).await;
}

/// The kept score counts follow writes no form makes today: a published assessment deleted
/// (its scores go with it by cascade) and a score's level changed in place.
#[tokio::test]
async fn score_counts_follow_a_cascaded_delete_and_a_level_changed_in_place() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let (id, commitment): (i64, i64) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT a.id, a.commitment_id FROM assessments a
         WHERE a.status = 'published'
           AND NOT EXISTS (SELECT 1 FROM assessments o WHERE o.superseded_by = a.id)
           AND EXISTS (SELECT 1 FROM assessment_scores s WHERE s.assessment_id = a.id)
         ORDER BY a.id LIMIT 1"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    let scores = count(&t.db, "assessment_scores").await;
    write_sql(&t.db, &format!("DELETE FROM assessments WHERE id = {id}")).await;
    assert!(
        count(&t.db, "assessment_scores").await < scores,
        "its scores went with it"
    );
    recount_disagreements(&t.db, commitment).await;
    assert_kept_totals(&t.db).await;

    let (assessment, commitment, indicator, value, scale): (i64, i64, String, String, String) =
        on_pool!(&t.db, |pool| sqlx::query_as(
            "SELECT s.assessment_id, a.commitment_id, s.indicator, s.value, a.scale
             FROM assessment_scores s JOIN assessments a ON a.id = s.assessment_id
             WHERE a.status = 'published' ORDER BY s.assessment_id, s.indicator LIMIT 1"
        )
        .fetch_one(pool)
        .await
        .unwrap());
    let other = on_pool!(&t.db, |pool| sqlx::query_scalar::<_, String>(
        "SELECT s.value FROM assessment_scores s JOIN assessments a ON a.id = s.assessment_id
         WHERE s.indicator = $1 AND a.scale = $2 AND s.value <> $3 ORDER BY s.value LIMIT 1"
    )
    .bind(&indicator)
    .bind(&scale)
    .bind(&value)
    .fetch_one(pool)
    .await
    .unwrap());
    write_sql(
        &t.db,
        &format!(
            "UPDATE assessment_scores SET value = '{other}'
             WHERE assessment_id = {assessment} AND indicator = '{indicator}'"
        ),
    )
    .await;
    recount_disagreements(&t.db, commitment).await;
    assert_kept_totals(&t.db).await;
}

/// What the app does after changing a commitment's published scores (SQL above did not).
async fn recount_disagreements(db: &Db, commitment: i64) {
    let mut tx = db.begin().await.unwrap();
    app::storage::refresh_disagreements(&mut tx, commitment)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}
