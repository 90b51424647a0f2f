//! The authorization matrix: every state-changing route, tried by anonymous visitors and
//! by each role in and out of scope. The expected answers are the table below; a route
//! added to the router without a row here fails the test.

use crate::browser::*;
use crate::common::*;
use app::domain::{LinkPurpose, Role};
use app::storage::Db;
use axum::http::Method;

/// Who tries: the order of the columns of `MATRIX`.
#[derive(Clone, Copy, Debug)]
enum Actor {
    Anonymous,
    Admin,
    /// Point of contact of the milestone's member and its lead institution.
    PocInScope,
    /// Point of contact of the same member, for another institution.
    PocOtherInstitution,
    PocOtherMember,
    ReviewerInScope,
    ReviewerOutOfScope,
    IrmInScope,
    IrmOutOfScope,
}

const ACTORS: [Actor; 9] = [
    Actor::Anonymous,
    Actor::Admin,
    Actor::PocInScope,
    Actor::PocOtherInstitution,
    Actor::PocOtherMember,
    Actor::ReviewerInScope,
    Actor::ReviewerOutOfScope,
    Actor::IrmInScope,
    Actor::IrmOutOfScope,
];

const OK: u16 = 303;
/// Accepted, and answered with the page that shows the one-time link it made.
const SHOWN: u16 = 200;
const SIGN_IN: u16 = 401;
const NO: u16 = 403;
/// Someone else's draft: its existence is its scorer's business.
const UNSEEN: u16 = 404;

/// Expected status per route and actor, columns in the order of `ACTORS`:
/// anonymous, admin, POC in scope, POC other institution, POC other member,
/// reviewer in scope, reviewer out of scope, IRM in scope, IRM out of scope.
const MATRIX: &[(&str, [u16; 9])] = &[
    ("/sign-in", [OK, OK, OK, OK, OK, OK, OK, OK, OK]),
    ("/sign-out", [OK, OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "/account/sign-out-everywhere",
        [SIGN_IN, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "/account/password",
        [SIGN_IN, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    // The one-time token is the authority here, whoever holds it.
    ("/invitations/{token}", [OK, OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "/password-reset/{token}",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "/admin/invitations",
        [SIGN_IN, SHOWN, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/admin/accounts/{id}/grants",
        [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/admin/grants/{id}/revoke",
        [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/admin/accounts/{id}/disabled",
        [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/admin/accounts/{id}/reset-link",
        [SIGN_IN, SHOWN, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/milestones/{id}/updates",
        [SIGN_IN, OK, OK, NO, NO, NO, NO, NO, NO],
    ),
    ("/admin/members", [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO]),
    // Only member-wide points of contact keep plans; both in the matrix are limited to an
    // institution or another member (`plans.rs` tries a member-wide one).
    (
        "/members/{slug}/plans",
        [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/plans/{key}/status",
        [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/plans/{key}/edit",
        [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/admin/members/{code}",
        [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO],
    ),
    // A plan's commitments are the whole member's: kept like its plans.
    (
        "/plans/{key}/commitments",
        [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/commitments/{code}/edit",
        [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO],
    ),
    // A plan file applied (a preview alone is shown with 200 and writes nothing).
    (
        "/plans/{key}/upload",
        [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/commitments/{code}/withdrawal",
        [SIGN_IN, OK, NO, NO, NO, NO, NO, NO, NO],
    ),
    // Milestones are the lead institution's deliverables: kept by those who report on them.
    (
        "/commitments/{code}/milestones",
        [SIGN_IN, OK, OK, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/milestones/{id}/edit",
        [SIGN_IN, OK, OK, NO, NO, NO, NO, NO, NO],
    ),
    // The government's account of a commitment: those who report on it.
    (
        "/commitments/{code}/self-assessment",
        [SIGN_IN, OK, OK, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/milestones/{id}/position",
        [SIGN_IN, OK, OK, NO, NO, NO, NO, NO, NO],
    ),
    // Independent scoring: reviewers and IRM researchers of the member start drafts; a
    // draft (here the in-scope reviewer's) is its organisation's alone to save, publish,
    // delete or, once published, supersede. Admins keep records straight but do not speak
    // for civil society or the IRM.
    (
        "/commitments/{code}/assessments",
        [SIGN_IN, NO, NO, NO, NO, OK, NO, OK, NO],
    ),
    (
        "/assessments/{id}",
        [SIGN_IN, NO, NO, NO, NO, OK, NO, UNSEEN, NO],
    ),
    (
        "/assessments/{id}/publish",
        [SIGN_IN, NO, NO, NO, NO, OK, NO, UNSEEN, NO],
    ),
    (
        "/assessments/{id}/revision",
        [SIGN_IN, NO, NO, NO, NO, OK, NO, NO, NO],
    ),
    (
        "/assessments/{id}/delete",
        [SIGN_IN, NO, NO, NO, NO, OK, NO, UNSEEN, NO],
    ),
];

/// The organisation each scoring grant of the matrix names.
const REVIEWER_ORGANISATION: &str = "Civic Watch";

/// `n` in letters (0 is A, 26 is BA), for codes and prefixes that must be letters.
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

struct Fixture {
    db: Db,
    milestone: i64,
    fresh: usize,
    /// The plan the commitments scored in the matrix belong to (plan numbers run out).
    scoring_plan: Option<String>,
}

impl Fixture {
    fn email(actor: Actor) -> String {
        format!("{actor:?}@matrix.example").to_lowercase()
    }

    /// A new account for a route to act on, so every try starts from the same state.
    async fn fresh_user(&mut self, grants: &[(Role, Option<&str>, Option<&str>)]) -> i64 {
        self.fresh += 1;
        add_user(
            &self.db,
            &format!("target{}@matrix.example", self.fresh),
            grants,
        )
        .await
    }

    async fn fresh_link(&mut self, purpose: LinkPurpose) -> String {
        let user = self.fresh_user(&[]).await;
        let mut conn = conn(&self.db).await;
        ogp_tracker::auth::create_link(&mut conn, user, purpose, None)
            .await
            .unwrap()
    }

    /// A plan number member XAA has not used yet.
    async fn next_plan_number(&self) -> i64 {
        scalar(
            &self.db,
            "SELECT COALESCE(MAX(p.number), 0) + 1 FROM action_plans p
             JOIN members m ON m.id = p.member_id WHERE m.code = 'XAA'",
        )
        .await
    }

    /// A new draft plan of member XAA, made from the command line.
    async fn fresh_plan(&self) -> String {
        let input = app::input::PlanInput {
            number: self.next_plan_number().await.to_string(),
            start_date: "2026-01-01".into(),
            end_date: "2027-12-31".into(),
            ..Default::default()
        };
        ogp_tracker::commands::plans::create(
            &self.db,
            &ogp_tracker::commands::Actor::CommandLine,
            "XAA",
            &input,
        )
        .await
        .unwrap()
        .key
    }

    /// What the form for a new commitment of `plan` would send.
    async fn commitment_input(&mut self, plan: &str) -> app::input::CommitmentInput {
        self.fresh += 1;
        let mut conn = conn(&self.db).await;
        let (plan_id, _, _) = app::storage::stored_plan(&mut conn, plan)
            .await
            .unwrap()
            .unwrap();
        let (_, member) = app::storage::stored_member(&mut conn, "XAA")
            .await
            .unwrap()
            .unwrap();
        let code = app::storage::next_commitment_code(&mut conn, &member.commitment_prefix)
            .await
            .unwrap();
        let count = app::storage::commitment_count(&mut conn, plan_id)
            .await
            .unwrap();
        app::input::CommitmentInput {
            code,
            number: (count + 1).to_string(),
            title: format!("Matrix commitment {}", letters(self.fresh)),
            lead_institution: "Ministry of Matrices".into(),
            ..Default::default()
        }
    }

    /// A new commitment of XAA, with its version.
    async fn fresh_commitment(&mut self) -> (String, i64) {
        let plan = self.fresh_plan().await;
        let input = self.commitment_input(&plan).await;
        let commitment = ogp_tracker::commands::commitments::add(
            &self.db,
            &ogp_tracker::commands::Actor::CommandLine,
            &plan,
            &input,
        )
        .await
        .unwrap();
        let stored = app::storage::stored_commitment(&mut conn(&self.db).await, &commitment.code)
            .await
            .unwrap()
            .unwrap();
        (commitment.code, stored.version)
    }

    /// A new commitment to score, in one plan made for them.
    async fn scoring_commitment(&mut self) -> String {
        if self.scoring_plan.is_none() {
            self.scoring_plan = Some(self.fresh_plan().await);
        }
        let plan = self.scoring_plan.clone().unwrap_or_default();
        let input = self.commitment_input(&plan).await;
        ogp_tracker::commands::commitments::add(
            &self.db,
            &ogp_tracker::commands::Actor::CommandLine,
            &plan,
            &input,
        )
        .await
        .unwrap()
        .code
    }

    /// A draft of a fresh commitment by the in-scope reviewer: classic mid-term, one level.
    async fn reviewer_draft(&mut self) -> i64 {
        let code = self.scoring_commitment().await;
        let actor = ogp_tracker::commands::accounts::account_actor(
            &self.db,
            &Fixture::email(Actor::ReviewerInScope),
        )
        .await
        .unwrap();
        let input = app::input::AssessmentInput::from_fields(&[
            ("scale".into(), "classic".into()),
            ("stage".into(), "mid_term".into()),
            ("level.completion".into(), "limited".into()),
            (
                "justification.completion".into(),
                "One milestone of four".into(),
            ),
        ]);
        let draft =
            ogp_tracker::commands::assessments::create_draft(&self.db, &actor, &code, &input)
                .await
                .unwrap();
        assert_eq!(draft.assessment.assessor, REVIEWER_ORGANISATION);
        draft.id
    }

    /// The request that exercises `route` with valid input, so only authorization decides.
    async fn request(&mut self, route: &str) -> (String, Vec<(&'static str, String)>) {
        let password = || {
            vec![
                ("display_name", "Someone".to_string()),
                ("password", PASSWORD.to_string()),
                ("confirmation", PASSWORD.to_string()),
            ]
        };
        match route {
            "/sign-in" => (
                route.into(),
                vec![
                    ("email", "signin@matrix.example".into()),
                    ("password", PASSWORD.into()),
                ],
            ),
            "/sign-out" | "/account/sign-out-everywhere" => (route.into(), vec![]),
            "/account/password" => (
                route.into(),
                vec![
                    ("current", PASSWORD.into()),
                    ("password", PASSWORD.into()),
                    ("confirmation", PASSWORD.into()),
                ],
            ),
            "/invitations/{token}" => (self.fresh_link(LinkPurpose::Invitation).await, password()),
            "/password-reset/{token}" => (self.fresh_link(LinkPurpose::Reset).await, password()),
            "/admin/invitations" => {
                self.fresh += 1;
                (
                    route.into(),
                    vec![
                        ("email", format!("invited{}@matrix.example", self.fresh)),
                        ("display_name", "Invited".into()),
                        ("role", "reviewer".into()),
                        ("member", "XAA".into()),
                    ],
                )
            }
            "/admin/accounts/{id}/grants" => {
                let user = self.fresh_user(&[]).await;
                (
                    format!("/admin/accounts/{user}/grants"),
                    vec![("role", "reviewer".into()), ("member", "XAA".into())],
                )
            }
            "/admin/grants/{id}/revoke" => {
                let user = self
                    .fresh_user(&[(Role::Reviewer, Some("XAA"), None)])
                    .await;
                let grant = app::storage::grants_of(&mut conn(&self.db).await, user)
                    .await
                    .unwrap()[0]
                    .id;
                (format!("/admin/grants/{grant}/revoke"), vec![])
            }
            "/admin/accounts/{id}/disabled" => {
                let user = self.fresh_user(&[]).await;
                (
                    format!("/admin/accounts/{user}/disabled"),
                    vec![("disabled", "true".into())],
                )
            }
            "/admin/accounts/{id}/reset-link" => {
                let user = self.fresh_user(&[]).await;
                (format!("/admin/accounts/{user}/reset-link"), vec![])
            }
            "/milestones/{id}/updates" => {
                // The version the page would show now: every accepted update raises it.
                let version = milestone_version(&self.db, self.milestone).await;
                (
                    format!("/milestones/{}/updates", self.milestone),
                    vec![
                        ("status", "in_progress".into()),
                        ("progress", "40".into()),
                        ("narrative", "Consultation held".into()),
                        ("version", version.to_string()),
                    ],
                )
            }
            "/plans/{key}/status" => {
                let plan = self.fresh_plan().await;
                (
                    format!("/plans/{plan}/status"),
                    vec![("status", "active".into())],
                )
            }
            "/plans/{key}/edit" => {
                let plan = self.fresh_plan().await;
                (
                    format!("/plans/{plan}/edit"),
                    vec![
                        ("number", "1".into()),
                        ("title", "Renamed in the matrix".into()),
                        ("start_date", "2026-01-01".into()),
                        ("end_date", "2027-12-31".into()),
                        // A fresh plan is at its first version.
                        ("version", "1".into()),
                    ],
                )
            }
            "/plans/{key}/commitments" => {
                let plan = self.fresh_plan().await;
                let input = self.commitment_input(&plan).await;
                let fields = input
                    .fields()
                    .into_iter()
                    // A test's few names may live as long as the process.
                    .map(|(name, value)| (&*Box::leak(name.into_boxed_str()), value))
                    .collect();
                (format!("/plans/{plan}/commitments"), fields)
            }
            "/plans/{key}/upload" => {
                let plan = self.fresh_plan().await;
                let mut row = vec![String::new(); 18];
                row[1] = "Uploaded in the matrix".into();
                row[3] = "Ministry of Matrices".into();
                let mut file = csv::Writer::from_writer(Vec::new());
                file.write_record(ogp_tracker::commands::plan_csv::COLUMNS)
                    .unwrap();
                file.write_record(&row).unwrap();
                let text = String::from_utf8(file.into_inner().unwrap()).unwrap();
                // The state its preview would show, which the confirm form carries.
                let state = ogp_tracker::commands::plan_csv::upload(
                    &self.db,
                    &ogp_tracker::commands::Actor::CommandLine,
                    &plan,
                    "matrix.csv",
                    text.as_bytes(),
                    ogp_tracker::commands::plan_csv::Apply::No,
                )
                .await
                .unwrap()
                .state;
                (
                    format!("/plans/{plan}/upload"),
                    vec![
                        ("csv", text),
                        ("file_name", "matrix.csv".into()),
                        ("state", state),
                        ("apply", "yes".into()),
                    ],
                )
            }
            "/commitments/{code}/edit" => {
                let (code, version) = self.fresh_commitment().await;
                (
                    format!("/commitments/{code}/edit"),
                    vec![
                        ("code", code),
                        ("number", "1".into()),
                        ("title", "Edited in the matrix".into()),
                        ("lead_institution", "Ministry of Matrices".into()),
                        ("version", version.to_string()),
                    ],
                )
            }
            "/commitments/{code}/withdrawal" => {
                let (code, version) = self.fresh_commitment().await;
                (
                    format!("/commitments/{code}/withdrawal"),
                    vec![
                        ("reason", "Merged into another commitment".into()),
                        ("version", version.to_string()),
                    ],
                )
            }
            "/commitments/{code}/milestones" => {
                let code: String = on_pool!(&self.db, |pool| {
                    sqlx::query_scalar(
                    "SELECT c.code FROM commitments c JOIN milestones ms ON ms.commitment_id = c.id
                     WHERE ms.id = $1"
                )
                .bind(self.milestone)
                .fetch_one(pool)
                .await
                .unwrap()
                });
                (
                    format!("/commitments/{code}/milestones"),
                    vec![
                        ("title", "Publish the register".into()),
                        ("planned_end", "2027-06-30".into()),
                        ("weight", "2".into()),
                    ],
                )
            }
            "/commitments/{code}/self-assessment" => {
                self.fresh += 1;
                let code: String = on_pool!(&self.db, |pool| {
                    sqlx::query_scalar(
                    "SELECT c.code FROM commitments c JOIN milestones ms ON ms.commitment_id = c.id
                     WHERE ms.id = $1"
                )
                .bind(self.milestone)
                .fetch_one(pool)
                .await
                .unwrap()
                });
                // A new justification each time, so each accepted try changes something.
                (
                    format!("/commitments/{code}/self-assessment"),
                    vec![
                        ("stage", "mid_term".into()),
                        ("completion", "limited".into()),
                        ("justification", format!("Reported {}", letters(self.fresh))),
                    ],
                )
            }
            "/milestones/{id}/edit" => {
                self.fresh += 1;
                let version = milestone_version(&self.db, self.milestone).await;
                (
                    format!("/milestones/{}/edit", self.milestone),
                    vec![
                        ("title", format!("Renamed {}", letters(self.fresh))),
                        ("version", version.to_string()),
                    ],
                )
            }
            "/milestones/{id}/position" => {
                let version = milestone_version(&self.db, self.milestone).await;
                // Up when it can go up, else down: each try can move it.
                let above = scalar(
                    &self.db,
                    &format!(
                        "SELECT COUNT(*) FROM milestones o JOIN milestones ms
                           ON ms.commitment_id = o.commitment_id
                         WHERE ms.id = {id} AND (o.position < ms.position
                           OR (o.position = ms.position AND o.id < ms.id))",
                        id = self.milestone
                    ),
                )
                .await;
                let direction = if above == 0 { "down" } else { "up" };
                (
                    format!("/milestones/{}/position", self.milestone),
                    vec![
                        ("direction", direction.into()),
                        ("version", version.to_string()),
                    ],
                )
            }
            "/members/{slug}/plans" => {
                let slug: String = on_pool!(&self.db, |pool| sqlx::query_scalar(
                    "SELECT slug FROM members WHERE code = 'XAA'"
                )
                .fetch_one(pool)
                .await
                .unwrap());
                (
                    format!("/members/{slug}/plans"),
                    vec![
                        ("number", self.next_plan_number().await.to_string()),
                        ("start_date", "2026-01-01".into()),
                        ("end_date", "2027-12-31".into()),
                    ],
                )
            }
            "/admin/members" => {
                self.fresh += 1;
                let tag = letters(self.fresh);
                (
                    route.into(),
                    vec![
                        ("code", format!("ZM{tag}")),
                        ("name", format!("Matrix member {tag}")),
                        ("kind", "local".into()),
                        ("region", "europe".into()),
                        ("prefix", format!("QM{tag}")),
                    ],
                )
            }
            "/admin/members/{code}" => {
                self.fresh += 1;
                let version = app::storage::member_for_edit(&mut conn(&self.db).await, "XAB")
                    .await
                    .unwrap()
                    .unwrap()
                    .2;
                let prefix: String = on_pool!(&self.db, |pool| sqlx::query_scalar(
                    "SELECT commitment_prefix FROM members WHERE code = 'XAB'"
                )
                .fetch_one(pool)
                .await
                .unwrap());
                (
                    "/admin/members/XAB".into(),
                    vec![
                        ("name", format!("Edited member {}", letters(self.fresh))),
                        ("kind", "national".into()),
                        ("region", "africa_middle_east".into()),
                        ("prefix", prefix),
                        ("version", version.to_string()),
                    ],
                )
            }
            "/commitments/{code}/assessments" => {
                let code = self.scoring_commitment().await;
                (
                    format!("/commitments/{code}/assessments"),
                    vec![
                        ("scale", "classic".into()),
                        ("stage", "design".into()),
                        ("level.specificity", "high".into()),
                    ],
                )
            }
            "/assessments/{id}" | "/assessments/{id}/publish" | "/assessments/{id}/delete" => {
                let draft = self.reviewer_draft().await;
                (
                    route.replace("{id}", &draft.to_string()),
                    vec![
                        ("level.completion", "substantial".into()),
                        (
                            "justification.completion",
                            "Three milestones of four".into(),
                        ),
                        ("version", "1".into()),
                    ],
                )
            }
            "/assessments/{id}/revision" => {
                let draft = self.reviewer_draft().await;
                let actor = ogp_tracker::commands::accounts::account_actor(
                    &self.db,
                    &Fixture::email(Actor::ReviewerInScope),
                )
                .await
                .unwrap();
                let input = app::input::AssessmentInput::from_fields(&[
                    ("level.completion".into(), "limited".into()),
                    (
                        "justification.completion".into(),
                        "One milestone of four".into(),
                    ),
                    ("version".into(), "1".into()),
                ]);
                ogp_tracker::commands::assessments::publish(&self.db, &actor, draft, &input)
                    .await
                    .unwrap();
                (format!("/assessments/{draft}/revision"), vec![])
            }
            other => panic!("no request is known for the route {other}: add one here"),
        }
    }
}

/// What a refused write must leave exactly as it was.
async fn snapshot(db: &Db) -> Vec<i64> {
    let mut all = Vec::new();
    for table in [
        "users",
        "role_grants",
        "members",
        "action_plans",
        "progress_updates",
        "audit_log",
        "changes",
        "change_entries",
    ] {
        all.push(count(db, table).await);
    }
    for condition in [
        "SELECT COUNT(*) FROM users WHERE disabled",
        "SELECT COUNT(*) FROM account_links WHERE used_at IS NOT NULL",
        "SELECT COUNT(*) FROM account_links",
        "SELECT CAST(COALESCE(SUM(progress), 0) AS BIGINT) FROM milestones",
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM milestones",
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM members",
        "SELECT COUNT(*) FROM commitments",
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM commitments",
        "SELECT COUNT(*) FROM milestones",
        "SELECT CAST(COALESCE(SUM(position), 0) AS BIGINT) FROM milestones",
        "SELECT COUNT(*) FROM assessment_scores",
        "SELECT COUNT(*) FROM assessments",
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM assessments",
        "SELECT COUNT(*) FROM assessments WHERE status = 'published'",
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM action_plans",
    ] {
        all.push(scalar(db, condition).await);
    }
    all
}

/// Demo data, an account for each actor of `ACTORS` and one to sign in as; the milestone
/// the points of contact are (or are not) in scope for.
async fn populated() -> (TestDb, i64) {
    let t = test_db().await;
    small_demo(&t.db).await;
    let (milestone, lead): (i64, String) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT ms.id, c.lead_institution FROM milestones ms
         JOIN commitments c ON c.id = ms.commitment_id
         WHERE c.code LIKE 'XAA%' AND c.lead_institution IS NOT NULL ORDER BY ms.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap());
    let grants = |actor: Actor| -> Vec<(Role, Option<&str>, Option<&str>)> {
        match actor {
            Actor::Anonymous => vec![],
            Actor::Admin => vec![(Role::Admin, None, None)],
            Actor::PocInScope => vec![(Role::Poc, Some("XAA"), Some(lead.as_str()))],
            Actor::PocOtherInstitution => {
                vec![(Role::Poc, Some("XAA"), Some("Not the lead institution"))]
            }
            Actor::PocOtherMember => vec![(Role::Poc, Some("XAB"), None)],
            Actor::ReviewerInScope => {
                vec![(Role::Reviewer, Some("XAA"), Some(REVIEWER_ORGANISATION))]
            }
            Actor::ReviewerOutOfScope => vec![(Role::Reviewer, Some("XAB"), Some("Other Watch"))],
            Actor::IrmInScope => vec![(Role::Irm, Some("XAA"), Some("IRM"))],
            Actor::IrmOutOfScope => vec![(Role::Irm, Some("XAB"), Some("IRM"))],
        }
    };
    for actor in ACTORS.into_iter().skip(1) {
        add_user(&t.db, &Fixture::email(actor), &grants(actor)).await;
    }
    add_user(&t.db, "signin@matrix.example", &[]).await;
    (t, milestone)
}

/// A browser signed in as `actor` (or not signed in).
async fn browser_of(router: &axum::Router, actor: Actor) -> Browser {
    let mut browser = Browser::new(router);
    if !matches!(actor, Actor::Anonymous) {
        let answer = browser.sign_in(&Fixture::email(actor), PASSWORD).await;
        assert_eq!(answer.status.as_u16(), 303, "{actor:?} signs in");
    }
    browser
}

const READ: u16 = 200;

/// The reads of accounts and the audit log, which only some may make: expected status per
/// server function and actor, columns in the order of `ACTORS`. `{user}` is an account id.
const READS: &[(&str, [u16; 9])] = &[
    (
        "/api/admin/accounts",
        [SIGN_IN, READ, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/api/admin/account?id={user}",
        [SIGN_IN, READ, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/api/admin/audit?page=1",
        [SIGN_IN, READ, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/api/account",
        [SIGN_IN, READ, READ, READ, READ, READ, READ, READ, READ],
    ),
    (
        "/api/admin/members",
        [SIGN_IN, READ, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "/api/admin/member?code={member}",
        [SIGN_IN, READ, NO, NO, NO, NO, NO, NO, NO],
    ),
];

/// Every other server function, with arguments: public reads anyone may make.
const PUBLIC_READS: &[&str] = &[
    "/api/overview",
    "/api/members?page=1",
    "/api/member?slug={slug}",
    "/api/plan?key={plan}&page=1",
    "/api/new-commitment?key={plan}",
    "/api/commitment?code={code}",
    "/api/milestone?id={milestone}",
    "/api/commitment-history?code={code}&page=1",
    "/api/link?token={token}&purpose=Invitation",
    "/api/scoring?code={code}",
    "/api/assessment?id={assessment}",
    "/api/scores-summary?plan={plan}",
    "/api/scores-summary?member={slug}",
    "/api/printed-plan?key={plan}",
    "/api/dashboard?scope=All",
    "/api/dashboard?scope[Member]={slug}",
    "/api/dashboard?scope[Plan]={plan}",
    "/api/dashboard?scope[Region]=europe",
    "/api/explore",
    "/api/scope?scope[Region]=europe&page=1",
    "/api/scope?scope[PolicyArea]=open-parliaments&page=1",
    "/api/search?request[q]=open&request[page]=1",
    "/api/similar?code={code}",
];

/// What no read may change: every table's rows, and the versions of edited records.
async fn everything(db: &Db) -> Vec<(String, i64)> {
    let mut all = counts(db).await;
    for table in [
        "users",
        "role_grants",
        "sessions",
        "account_links",
        "audit_log",
        "sign_in_attempts",
        "server_keys",
    ] {
        all.push((table.to_string(), count(db, table).await));
    }
    for sum in [
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM milestones",
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM commitments",
        "SELECT COUNT(*) FROM users WHERE last_sign_in_at IS NOT NULL",
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM members",
    ] {
        all.push((sum.to_string(), scalar(db, sum).await));
    }
    all
}

#[tokio::test]
async fn every_server_function_only_reads_and_answers_each_role_as_the_matrix_says() {
    let listed: Vec<&str> = READS
        .iter()
        .map(|(uri, _)| *uri)
        .chain(PUBLIC_READS.iter().copied())
        .map(|uri| uri.split('?').next().unwrap())
        .collect();
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        assert_eq!(
            method,
            Method::GET,
            "{path}: server functions only read, so they answer GET only"
        );
        assert!(
            listed.contains(&path),
            "{path}: a server function without a row in READS or PUBLIC_READS"
        );
    }

    let (t, milestone) = populated().await;
    let router = test_router(&t.db);
    let (slug, plan, code): (String, String, String) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT m.slug, p.plan_key, c.code FROM milestones ms
         JOIN commitments c ON c.id = ms.commitment_id
         JOIN action_plans p ON p.id = c.plan_id JOIN members m ON m.id = p.member_id
         WHERE ms.id = $1"
    )
    .bind(milestone)
    .fetch_one(pool)
    .await
    .unwrap());
    let assessment = scalar(
        &t.db,
        "SELECT MIN(id) FROM assessments WHERE status = 'published'",
    )
    .await;
    let user = add_user(&t.db, "read@matrix.example", &[]).await;
    let token = {
        let mut conn = conn(&t.db).await;
        // The name the invitation page greets its holder with; never their e-mail.
        app::storage::set_display_name(&mut conn, user, "Invited reader")
            .await
            .unwrap();
        let path = ogp_tracker::auth::create_link(&mut conn, user, LinkPurpose::Invitation, None)
            .await
            .unwrap();
        path.rsplit('/').next().unwrap().to_string()
    };
    let fill = |uri: &str| {
        uri.replace("{user}", &user.to_string())
            .replace("{slug}", &slug)
            .replace("{plan}", &plan)
            .replace("{code}", &code)
            .replace("{milestone}", &milestone.to_string())
            .replace("{token}", &token)
            .replace("{member}", "XAA")
            .replace("{assessment}", &assessment.to_string())
    };
    let mut browsers = Vec::new();
    for actor in ACTORS {
        browsers.push((actor, browser_of(&router, actor).await));
    }
    let before = everything(&t.db).await;
    let mut failures = Vec::new();
    for (uri, expected) in READS {
        for ((actor, browser), want) in browsers.iter_mut().zip(expected) {
            let answer = browser.get(&fill(uri)).await;
            if answer.status.as_u16() != *want {
                failures.push(format!(
                    "{uri} as {actor:?}: expected {want}, got {}",
                    answer.status
                ));
            }
            if *want != READ && answer.body.contains("@matrix.example") {
                failures.push(format!("{uri} as {actor:?}: refused, yet told e-mails"));
            }
        }
    }
    for uri in PUBLIC_READS {
        for (actor, browser) in browsers.iter_mut() {
            let answer = browser.get(&fill(uri)).await;
            if answer.status.as_u16() != READ {
                failures.push(format!("{uri} as {actor:?}: got {}", answer.status));
            }
            if answer.body.contains("@matrix.example") {
                failures.push(format!("{uri} as {actor:?}: a public read told e-mails"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        everything(&t.db).await,
        before,
        "answering reads, as anyone, changed nothing"
    );
}

#[tokio::test]
async fn every_write_route_answers_each_role_as_the_matrix_says() {
    // Every route and every state-changing server function needs a row.
    let routes: Vec<&str> = ogp_tracker::forms::write_routes()
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let rows: Vec<&str> = MATRIX.iter().map(|(route, _)| *route).collect();
    let missing: Vec<&&str> = routes.iter().filter(|r| !rows.contains(r)).collect();
    assert!(
        missing.is_empty(),
        "write routes without a row in MATRIX: {missing:?}"
    );
    let stale: Vec<&&str> = rows.iter().filter(|r| !routes.contains(r)).collect();
    assert!(
        stale.is_empty(),
        "MATRIX rows for routes that do not exist: {stale:?}"
    );
    let writing_server_fns: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .filter(|(_, method)| *method != Method::GET)
        .map(|(path, method)| format!("{method} {path}"))
        .filter(|route| !rows.iter().any(|r| route.ends_with(r)))
        .collect();
    assert!(
        writing_server_fns.is_empty(),
        "server functions that change state without a row in MATRIX: {writing_server_fns:?}"
    );

    let (t, milestone) = populated().await;
    let router = test_router(&t.db);
    let mut fixture = Fixture {
        db: t.db.clone(),
        milestone,
        fresh: 0,
        scoring_plan: None,
    };

    let history_before = history_rows(&t.db).await;
    assert!(!history_before.is_empty(), "the demo data left history");
    let mut failures = Vec::new();
    for (route, expected) in MATRIX {
        for (actor, want) in ACTORS.into_iter().zip(expected) {
            let mut browser = browser_of(&router, actor).await;
            let (uri, fields) = fixture.request(route).await;
            let before = snapshot(&t.db).await;
            let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let answer = browser.post(&uri, &fields).await;
            let got = answer.status.as_u16();
            if got != *want {
                failures.push(format!("{route} as {actor:?}: expected {want}, got {got}"));
            }
            if got == SIGN_IN || got == NO || got == UNSEEN {
                if snapshot(&t.db).await != before {
                    failures.push(format!("{route} as {actor:?}: refused, yet data changed"));
                }
                let html = &answer.body;
                if !html.contains("notice-error") {
                    failures.push(format!("{route} as {actor:?}: refused without saying why"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every route was taken, accepted or refused: history only grew.
    let history_after = history_rows(&t.db).await;
    assert!(
        history_after.len() > history_before.len(),
        "accepted updates added history"
    );
    assert_eq!(
        history_after[..history_before.len()],
        history_before[..],
        "no route changed or removed history"
    );
}

/// One history entry with its change's cause.
#[derive(Debug, sqlx::FromRow)]
#[allow(dead_code)] // Read through Debug.
struct HistoryRow {
    id: i64,
    change_id: i64,
    cause: String,
    field: String,
    record_id: i64,
    value_before: Option<String>,
    value_after: Option<String>,
}

/// Every history entry with its change, in order, as text.
async fn history_rows(db: &Db) -> Vec<String> {
    let rows: Vec<HistoryRow> = on_pool!(db, |pool| sqlx::query_as(
        "SELECT e.id, e.change_id, c.cause, e.field, e.record_id, e.value_before, e.value_after
         FROM change_entries e JOIN changes c ON c.id = e.change_id ORDER BY e.id",
    )
    .fetch_all(pool)
    .await
    .unwrap());
    rows.into_iter().map(|row| format!("{row:?}")).collect()
}
