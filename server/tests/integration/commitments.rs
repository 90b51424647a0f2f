//! Commitments and milestones kept by points of contact: added with a proposed code,
//! edited, withdrawn (kept, never deleted), and their milestones added, edited and moved,
//! with the progress roll-up the same on every page.

use crate::browser::*;
use crate::common::*;
use app::domain::{MilestoneStatus, OgpValue, PlanStatus, Role};
use app::storage::Db;
use axum::http::StatusCode;

/// A member-wide point of contact of XAA, signed in, and a new draft plan of XAA.
async fn keeper(db: &Db, router: &axum::Router) -> (Browser, String) {
    add_user(db, "keeper@xaa.example", &[(Role::Poc, Some("XAA"), None)]).await;
    let mut poc = Browser::new(router);
    poc.sign_in("keeper@xaa.example", PASSWORD).await;
    let number = scalar(
        db,
        "SELECT COALESCE(MAX(p.number), 0) + 1 FROM action_plans p
         JOIN members m ON m.id = p.member_id WHERE m.code = 'XAA'",
    )
    .await
    .to_string();
    let slug: String = on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT slug FROM members WHERE code = 'XAA'"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    let created = poc
        .post(
            &format!("/members/{slug}/plans"),
            &[
                ("number", number.as_str()),
                ("start_date", "2026-01-01"),
                ("end_date", "2027-12-31"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let plan = created.location().trim_start_matches("/plans/").to_string();
    (poc, plan)
}

/// The code the page at `/plans/{plan}/commitments` proposes.
fn proposed_code(html: &str) -> String {
    let at = html.find("name=\"code\"").expect("a code field");
    let value = &html[at..];
    let start = value.find("value=\"").unwrap() + 7;
    value[start..start + value[start..].find('"').unwrap()].to_string()
}

async fn stored(db: &Db, code: &str) -> app::storage::StoredCommitmentRecord {
    app::storage::stored_commitment(&mut conn(db).await, code)
        .await
        .unwrap()
        .expect("the commitment is stored")
}

#[tokio::test]
async fn a_point_of_contact_adds_a_commitment_with_the_proposed_code_then_edits_it() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let (mut poc, plan) = keeper(&t.db, &router).await;

    let form = poc.get(&format!("/plans/{plan}")).await;
    assert!(form.body.contains("data-action=\"add-commitment\""));
    let form = poc.get(&format!("/plans/{plan}/commitments")).await;
    assert_eq!(form.status, StatusCode::OK);
    let code = proposed_code(&form.body);
    let prefix: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT commitment_prefix FROM members WHERE code = 'XAA'"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert!(app::input::is_commitment_code(&code, &prefix), "{code}");
    let before = count(&t.db, "commitments").await;

    // Refused, field by field, with nothing written.
    for (field, value, status) in [
        ("code", "ZZ0001", StatusCode::UNPROCESSABLE_ENTITY),
        ("budget_amount", "-5", StatusCode::UNPROCESSABLE_ENTITY),
        ("end_date", "2025-01-01", StatusCode::UNPROCESSABLE_ENTITY),
        ("lead_institution", " ", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let mut fields = vec![
            ("code", code.as_str()),
            ("number", "1"),
            ("title", "Open contracting register"),
            ("lead_institution", "Ministry of Finance"),
            ("start_date", "2026-02-01"),
            ("end_date", "2027-06-30"),
        ];
        fields.retain(|(name, _)| *name != field);
        fields.push((field, value));
        let refused = poc
            .post(&format!("/plans/{plan}/commitments"), &fields)
            .await;
        assert_eq!(refused.status, status, "{field}");
        assert!(
            refused.body.contains("aria-invalid=\"true\""),
            "{field} is marked"
        );
        assert_eq!(count(&t.db, "commitments").await, before, "{field}");
    }

    let added = poc
        .post(
            &format!("/plans/{plan}/commitments"),
            &[
                ("code", code.as_str()),
                ("number", "1"),
                ("title", "Open contracting register"),
                ("problem", "Contracts are published late, if at all."),
                ("lead_institution", "Ministry of Finance"),
                ("value_access_to_information", "on"),
                (
                    "policy_areas",
                    "Open contracting, Fiscal openness, open contracting",
                ),
                ("start_date", "2026-02-01"),
                ("end_date", "2027-06-30"),
                ("budget_amount", "250000"),
                ("budget_currency", "eur"),
                ("funded", "yes"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(added.location(), format!("/commitments/{code}/edit"));
    let record = stored(&t.db, &code).await;
    let commitment = &record.commitment;
    assert!(commitment.entered);
    assert_eq!(commitment.values, vec![OgpValue::AccessToInformation]);
    assert_eq!(
        commitment.policy_areas.len(),
        2,
        "an area named twice is kept once"
    );
    let budget = commitment.budget.clone().unwrap();
    assert_eq!(
        (budget.amount, budget.currency.as_deref(), budget.funded),
        (Some(250000.0), Some("EUR"), Some(true))
    );
    let again = poc
        .post(
            &format!("/plans/{plan}/commitments"),
            &[
                ("code", code.as_str()),
                ("number", "2"),
                ("title", "Another"),
                ("lead_institution", "Ministry of Finance"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "the code is taken");

    let page = poc.get(&format!("/commitments/{code}")).await;
    assert!(page.body.contains("Contracts are published late"));
    assert!(page.body.contains(&format!("/commitments/{code}/edit")));

    // Edited while the plan is a draft: even the code may change.
    let edit = poc.get(&format!("/commitments/{code}/edit")).await;
    assert!(edit.body.contains("data-form=\"commitment\""));
    let new_code = format!("{prefix}9876");
    let version = record.version.to_string();
    let edited = poc
        .post(
            &format!("/commitments/{code}/edit"),
            &[
                ("code", new_code.as_str()),
                ("number", "1"),
                ("title", "Open contracting register, nationwide"),
                ("lead_institution", "Ministry of Finance"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let renamed = stored(&t.db, &new_code).await;
    assert_eq!(renamed.version, record.version + 1);
    assert_eq!(
        renamed.commitment.budget, None,
        "emptied fields are emptied"
    );
    let fields: Vec<String> = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT field FROM change_entries WHERE record = 'commitment' AND record_id = $1
         ORDER BY id"
    )
    .bind(record.id)
    .fetch_all(pool)
    .await
    .unwrap());
    for field in ["record", "title", "code", "budget_amount"] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }

    // A stale form changes nothing; once the plan is published the code stays.
    let stale = poc
        .post(
            &format!("/commitments/{new_code}/edit"),
            &[
                ("code", new_code.as_str()),
                ("number", "1"),
                ("title", "Stale title"),
                ("lead_institution", "Ministry of Finance"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stored(&t.db, &new_code).await, renamed);
    let published = poc
        .post(&format!("/plans/{plan}/status"), &[("status", "active")])
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let version = renamed.version.to_string();
    let fixed = poc
        .post(
            &format!("/commitments/{new_code}/edit"),
            &[
                ("code", code.as_str()),
                ("number", "1"),
                ("title", "Open contracting register, nationwide"),
                ("lead_institution", "Ministry of Finance"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(fixed.status, StatusCode::CONFLICT);
    assert_eq!(stored(&t.db, &new_code).await, renamed);
}

#[tokio::test]
async fn an_imported_commitment_keeps_its_irm_values_and_an_ended_plan_takes_no_commitments() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let (mut poc, _) = keeper(&t.db, &router).await;
    let code: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT c.code FROM commitments c WHERE c.code LIKE 'XAA%'
           AND EXISTS (SELECT 1 FROM commitment_values v WHERE v.commitment_id = c.id)
         ORDER BY c.code LIMIT 1"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    let record = stored(&t.db, &code).await;
    assert!(!record.commitment.entered);
    let edit = poc.get(&format!("/commitments/{code}/edit")).await;
    assert!(
        !edit.body.contains("name=\"value_civic_participation\""),
        "the IRM's values are not offered"
    );
    let version = record.version.to_string();
    let lead = record.commitment.lead_institution.clone().unwrap();
    let edited = poc
        .post(
            &format!("/commitments/{code}/edit"),
            &[
                ("code", code.as_str()),
                ("number", record.commitment.number.as_str()),
                ("title", "A clearer title"),
                ("lead_institution", lead.as_str()),
                ("value_civic_participation", "on"),
                ("value_technology_innovation", "on"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let after = stored(&t.db, &code).await.commitment;
    assert_eq!(after.title, "A clearer title");
    assert_eq!(after.values, record.commitment.values, "kept as imported");

    let ended: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT p.plan_key FROM action_plans p JOIN members m ON m.id = p.member_id
         WHERE m.code = 'XAA' AND p.status = 'completed' LIMIT 1"
    )
    .fetch_optional(pool)
    .await
    .unwrap())
    .expect("demo data has an ended plan");
    let before = count(&t.db, "commitments").await;
    let refused = poc
        .post(
            &format!("/plans/{ended}/commitments"),
            &[
                ("code", "XX0001"),
                ("number", "99"),
                ("title", "Too late"),
                ("lead_institution", "Ministry"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(count(&t.db, "commitments").await, before);
    let stored_plan = app::storage::stored_plan(&mut conn(&t.db).await, &ended)
        .await
        .unwrap()
        .unwrap()
        .2;
    assert_eq!(stored_plan.status, PlanStatus::Completed);
}

#[tokio::test]
async fn milestones_are_added_edited_and_moved_and_the_roll_up_is_the_same_everywhere() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let (mut poc, plan) = keeper(&t.db, &router).await;
    let form = poc.get(&format!("/plans/{plan}/commitments")).await;
    let code = proposed_code(&form.body);
    let added = poc
        .post(
            &format!("/plans/{plan}/commitments"),
            &[
                ("code", code.as_str()),
                ("number", "1"),
                ("title", "Beneficial ownership register"),
                ("lead_institution", "Companies Registry"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let milestones = format!("/commitments/{code}/milestones");
    let page = poc.get(&milestones).await;
    assert!(page.body.contains("data-form=\"milestone\""));
    for (title, end, weight) in [
        ("Draft the regulation", "2026-03-31", "1"),
        ("Open the register", "2026-09-30", "2"),
        ("Publish the data", "2027-03-31", ""),
    ] {
        let answer = poc
            .post(
                &milestones,
                &[("title", title), ("planned_end", end), ("weight", weight)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        assert_eq!(answer.location(), milestones);
    }
    let refused = poc
        .post(&milestones, &[("title", "Heavy"), ("weight", "101")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ids: Vec<(i64, i64)> = on_pool!(&t.db, |pool| {
        sqlx::query_as(
        "SELECT ms.id, ms.position FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id
         WHERE c.code = $1 ORDER BY ms.position"
    )
    .bind(&code)
    .fetch_all(pool)
    .await
    .unwrap()
    });
    assert_eq!(
        ids.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    let (first, second, third) = (ids[0].0, ids[1].0, ids[2].0);

    // The first cannot go up; the third moves up past the second.
    let version = milestone_version(&t.db, first).await.to_string();
    let stuck = poc
        .post(
            &format!("/milestones/{first}/position"),
            &[("direction", "up"), ("version", version.as_str())],
        )
        .await;
    assert_eq!(stuck.status, StatusCode::CONFLICT);
    let version = milestone_version(&t.db, third).await.to_string();
    let moved = poc
        .post(
            &format!("/milestones/{third}/position"),
            &[("direction", "up"), ("version", version.as_str())],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let order: Vec<i64> = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT ms.id FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id
         WHERE c.code = $1 ORDER BY ms.position"
    )
    .bind(&code)
    .fetch_all(pool)
    .await
    .unwrap());
    assert_eq!(order, vec![first, third, second]);

    // Edited: a weight and a title, with history; a stale form changes nothing.
    let version = milestone_version(&t.db, second).await.to_string();
    let edited = poc
        .post(
            &format!("/milestones/{second}/edit"),
            &[
                ("title", "Open the register to the public"),
                ("planned_end", "2026-09-30"),
                ("weight", "3"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let stale = poc
        .post(
            &format!("/milestones/{second}/edit"),
            &[("title", "Stale"), ("version", version.as_str())],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let title: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT title FROM milestones WHERE id = $1"
    )
    .bind(second)
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(title, "Open the register to the public");

    // Progress: the second completed (weight 3), the first at 50 (weight 1), the third
    // withdrawn: (50 × 1 + 100 × 3) ÷ (1 + 3) = 87.5, on the commitment and the plan.
    let v = milestone_version(&t.db, second).await;
    let done = poc
        .post_update(second, "completed", "100", "Register opened", v)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let v = milestone_version(&t.db, first).await;
    poc.post_update(first, "in_progress", "50", "Drafting", v)
        .await;
    let v = milestone_version(&t.db, third).await;
    poc.post_update(third, "withdrawn", "0", "Merged into the second", v)
        .await;
    let page = poc.get(&format!("/commitments/{code}")).await;
    assert!(
        page.body
            .contains("data-formula=\"(50 × 1 + 100 × 3) ÷ (1 + 3) = 87.5\""),
        "the formula shows its figures"
    );
    let detail = app::storage::commitment_detail(&mut conn(&t.db).await, &code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.progress(), Some(87.5));
    let plan_detail = app::storage::plan_detail(&mut conn(&t.db).await, &plan, detail.as_of, 50, 0)
        .await
        .unwrap()
        .unwrap();
    let summary = plan_detail
        .commitments
        .iter()
        .find(|c| c.code == code)
        .unwrap();
    assert_eq!(summary.progress, Some(87.5), "the plan sums the same way");
    assert_kept_totals(&t.db).await;
}

#[tokio::test]
async fn a_withdrawn_commitment_is_kept_with_its_reason_and_its_open_milestones_withdrawn() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let (mut poc, _) = keeper(&t.db, &router).await;
    // A commitment with an overdue milestone and a completed one.
    let code: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT c.code FROM commitments c JOIN action_plans p ON p.id = c.plan_id
         JOIN members m ON m.id = p.member_id
         WHERE m.code = 'XAA'
           AND EXISTS (SELECT 1 FROM milestones ms WHERE ms.commitment_id = c.id
                       AND ms.status NOT IN ('completed', 'withdrawn'))
         ORDER BY c.code LIMIT 1"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    let record = stored(&t.db, &code).await;
    let before = app::storage::milestones_of(&mut conn(&t.db).await, record.id)
        .await
        .unwrap();
    let version = record.version.to_string();
    let empty = poc
        .post(
            &format!("/commitments/{code}/withdrawal"),
            &[("reason", " "), ("version", version.as_str())],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored(&t.db, &code).await, record, "nothing changed");
    let withdrawn = poc
        .post(
            &format!("/commitments/{code}/withdrawal"),
            &[
                ("reason", "Merged into the new access to information law."),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.body
    );
    let after = stored(&t.db, &code).await.commitment;
    let withdrawal = after.withdrawal.clone().expect("withdrawn");
    assert_eq!(
        withdrawal.reason,
        "Merged into the new access to information law."
    );
    let milestones = app::storage::milestones_of(&mut conn(&t.db).await, record.id)
        .await
        .unwrap();
    assert_eq!(milestones.len(), before.len(), "milestones are kept");
    for (was, now) in before.iter().zip(&milestones) {
        let expected = match was.status {
            MilestoneStatus::Completed => MilestoneStatus::Completed,
            _ => MilestoneStatus::Withdrawn,
        };
        assert_eq!(now.status, expected, "{}", now.title);
        assert!(!now.is_overdue(withdrawal.on), "{}", now.title);
    }

    let page = poc.get(&format!("/commitments/{code}")).await;
    assert!(page.body.contains("data-withdrawn=\"true\""));
    assert!(page
        .body
        .contains("Merged into the new access to information law."));
    let plan_page = poc.get(&format!("/plans/{}", after.plan_key)).await;
    assert!(plan_page.body.contains(&format!(
        "data-commitment=\"{code}\" data-withdrawn=\"true\""
    )));

    // Nothing more is reported on it, and it is not withdrawn twice.
    let open = milestones
        .iter()
        .find(|m| m.status == MilestoneStatus::Withdrawn)
        .unwrap();
    let version = open.version.to_string();
    let update = poc
        .post(
            &format!("/milestones/{}/updates", open.id),
            &[
                ("status", "in_progress"),
                ("progress", "10"),
                ("narrative", "Revived"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(update.status, StatusCode::CONFLICT);
    let added = poc
        .post(
            &format!("/commitments/{code}/milestones"),
            &[("title", "Another step")],
        )
        .await;
    assert_eq!(added.status, StatusCode::CONFLICT);
    let edit_version = stored(&t.db, &code).await.version.to_string();
    let lead = after.lead_institution.clone().unwrap_or_default();
    let edited = poc
        .post(
            &format!("/commitments/{code}/edit"),
            &[
                ("code", code.as_str()),
                ("number", after.number.as_str()),
                ("title", "Changed after withdrawal"),
                ("lead_institution", lead.as_str()),
                ("version", edit_version.as_str()),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::CONFLICT, "kept as it was");
    let version = open.version.to_string();
    let renamed = poc
        .post(
            &format!("/milestones/{}/edit", open.id),
            &[
                ("title", "Renamed after withdrawal"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::CONFLICT, "its milestones too");
    let version = stored(&t.db, &code).await.version.to_string();
    let twice = poc
        .post(
            &format!("/commitments/{code}/withdrawal"),
            &[("reason", "Again"), ("version", version.as_str())],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(
        count(&t.db, "total_changes").await > 0,
        "the web's writes left changes to fold"
    );
    // Read before and after folding them.
    assert_kept_totals(&t.db).await;
}

#[tokio::test]
async fn the_government_records_its_own_completion_level_and_history_keeps_the_earlier_one() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let (mut poc, plan) = keeper(&t.db, &router).await;
    let form = poc.get(&format!("/plans/{plan}/commitments")).await;
    let code = proposed_code(&form.body);
    poc.post(
        &format!("/plans/{plan}/commitments"),
        &[
            ("code", code.as_str()),
            ("number", "1"),
            ("title", "Open data portal"),
            ("lead_institution", "Digital Agency"),
        ],
    )
    .await;
    let page = poc.get(&format!("/commitments/{code}")).await;
    assert!(page.body.contains("data-form=\"self-assessment\""));
    // A 2026 plan is assessed on the refreshed scale: "withdrawn" is not one of its levels.
    let path = format!("/commitments/{code}/self-assessment");
    let scores_before = count(&t.db, "assessment_scores").await;
    let refused = poc
        .post(
            &path,
            &[
                ("stage", "mid_term"),
                ("completion", "withdrawn"),
                ("justification", "Dropped"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&t.db, "assessment_scores").await, scores_before);
    for (completion, justification) in [
        ("limited", "The portal is in beta."),
        ("substantial", "The portal is live; one dataset is missing."),
    ] {
        let recorded = poc
            .post(
                &path,
                &[
                    ("stage", "mid_term"),
                    ("completion", completion),
                    ("justification", justification),
                ],
            )
            .await;
        assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    }
    assert_eq!(
        count(&t.db, "assessment_scores").await,
        scores_before + 1,
        "one government level per stage"
    );
    let page = poc.get(&format!("/commitments/{code}")).await;
    assert!(page
        .body
        .contains("data-source=\"government\" data-stage=\"mid_term\""));
    assert!(page
        .body
        .contains("The portal is live; one dataset is missing."));
    let values: Vec<(Option<String>, Option<String>)> = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT e.value_before, e.value_after FROM change_entries e
         JOIN commitments c ON c.id = e.commitment_id
         WHERE c.code = $1 AND e.record = 'assessment' AND e.field = 'score:completion'
         ORDER BY e.id"
    )
    .bind(&code)
    .fetch_all(pool)
    .await
    .unwrap());
    assert_eq!(
        values,
        vec![
            (None, Some("limited".to_string())),
            (Some("limited".to_string()), Some("substantial".to_string())),
        ]
    );
    assert_kept_totals(&t.db).await;
}

#[tokio::test]
async fn sources_side_by_side_show_where_they_disagree() {
    use app::domain::{
        Assessment, AssessmentSource, Completion, Indicator, Rating, ScaleSet, Score, ScoreValue,
        Stage,
    };
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let (mut poc, plan) = keeper(&t.db, &router).await;
    let form = poc.get(&format!("/plans/{plan}/commitments")).await;
    let code = proposed_code(&form.body);
    poc.post(
        &format!("/plans/{plan}/commitments"),
        &[
            ("code", code.as_str()),
            ("number", "1"),
            ("title", "Open contracting"),
            ("lead_institution", "Procurement Agency"),
        ],
    )
    .await;
    let recorded = poc
        .post(
            &format!("/commitments/{code}/self-assessment"),
            &[
                ("stage", "end_of_term"),
                ("completion", "complete"),
                ("justification", "Every contract is published."),
            ],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER);
    // The IRM, as an import would store it, says limited.
    let id = stored(&t.db, &code).await.id;
    let irm = Assessment {
        source: AssessmentSource::Irm,
        assessor: "IRM".into(),
        stage: Stage::EndOfTerm,
        scale: ScaleSet::Refreshed,
        scores: vec![Score {
            indicator: Indicator::Completion,
            value: ScoreValue::Rated(Rating::Completion(Completion::Limited)),
            justification: None,
            evidence: Vec::new(),
        }],
    };
    let mut tx = t.db.begin().await.unwrap();
    app::storage::save_assessment(&mut tx, id, &irm, app::storage::now(), false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let page = poc.get(&format!("/commitments/{code}")).await;
    let table = &page.body[page
        .body
        .find("<table data-stage=\"end_of_term\" class=\"side-by-side\"")
        .expect("a side-by-side table for the end of term")..];
    let row = &table[table.find("data-indicator=\"completion\"").unwrap()..];
    assert!(
        row.starts_with("data-indicator=\"completion\" data-disagree=\"true\""),
        "{}",
        &row[..200.min(row.len())]
    );
}
