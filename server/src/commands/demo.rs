//! Demo data: a deterministic, realistic installation for trying the tracker and for
//! benchmarks. Scale 1 is about OGP's size (75 members, ~400 plans, ~4,000 commitments,
//! ~16,000 milestones), with every milestone status, overdue milestones, and government,
//! civil-society and IRM assessments that disagree. Everything is marked as demo data.

use super::{Actor, AppError};
use app::domain::*;
use app::storage::{
    self, ChangeRecorder, Conn, Db, NewChange, NewEntry, NewMilestone, NewProgressUpdate,
    StorageError,
};
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use std::fmt;

#[derive(Clone, Debug)]
pub struct DemoConfig {
    pub scale: f64,
    pub seed: u64,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            scale: 1.0,
            seed: 2011,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub members: usize,
    pub plans: usize,
    pub commitments: usize,
    pub milestones: usize,
    pub updates: usize,
    pub assessments: usize,
    /// Demo accounts made this time (only in a database of demo data alone).
    pub accounts: usize,
}

impl DemoSummary {
    /// What the audit line records: the settings and what was made.
    fn facts(&self, config: &DemoConfig) -> Vec<(AuditFact, String)> {
        vec![
            (AuditFact::Scale, config.scale.to_string()),
            (AuditFact::Seed, config.seed.to_string()),
            (AuditFact::Commitments, self.commitments.to_string()),
            (AuditFact::Accounts, self.accounts.to_string()),
        ]
    }
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Demo data loaded: {} members, {} action plans, {} commitments, {} milestones, {} progress updates, {} assessments, {} demo accounts made",
            self.members, self.plans, self.commitments, self.milestones, self.updates, self.assessments, self.accounts
        )
    }
}

/// The organisations the demo reviewer and IRM researcher score for.
pub const DEMO_REVIEWER_ORGANISATION: &str = "Demo civil-society coalition";
pub const DEMO_IRM_ORGANISATION: &str = "Independent Reporting Mechanism (IRM)";

/// One account per role, with the published passwords of `DEMO_ACCOUNTS`; roles other than
/// admin are limited to the first demo member. Made only in a database that holds nothing
/// but demo data, and only when missing: an existing account keeps its password, grants
/// and state, whatever an admin changed. Answers how many were made.
async fn demo_accounts(tx: &mut dyn Conn) -> Result<usize, StorageError> {
    if !storage::holds_only_demo_data(tx).await? {
        return Ok(0);
    }
    let now = storage::now();
    let member_id = storage::member_id_by_code(tx, DEMO_MEMBER_CODE).await?;
    let mut made = 0;
    for (role, email, password) in DEMO_ACCOUNTS {
        if storage::user_id_by_email(tx, email).await?.is_some() {
            continue;
        }
        let hash = crate::auth::hash_password(password)
            .map_err(|e| StorageError::Corrupt(format!("cannot hash a demo password: {e}")))?;
        let name = format!("Demo {}", role.as_str());
        let user_id = storage::insert_user(tx, email, &name, Some(&hash), true, now).await?;
        let grant = storage::NewGrant {
            role: *role,
            member_id: if role.needs_member() { member_id } else { None },
            // Scorers publish under an organisation's name.
            institution: match role {
                Role::Reviewer => Some(DEMO_REVIEWER_ORGANISATION.to_string()),
                Role::Irm => Some(DEMO_IRM_ORGANISATION.to_string()),
                _ => None,
            },
        };
        storage::insert_grant(tx, user_id, &grant, None, now).await?;
        made += 1;
    }
    Ok(made)
}

/// Gives back the grants that went with the demo members they named, on the regenerated
/// members of the same codes.
async fn restore_grants(
    tx: &mut dyn Conn,
    kept: Vec<storage::GrantOnDemoMember>,
) -> Result<(), StorageError> {
    for grant in kept {
        let Some(member_id) = storage::member_id_by_code(tx, &grant.member_code).await? else {
            continue;
        };
        let new = storage::NewGrant {
            role: grant.role,
            member_id: Some(member_id),
            institution: grant.institution,
        };
        storage::insert_grant(tx, grant.user_id, &new, grant.granted_by, grant.granted_at).await?;
    }
    Ok(())
}

/// The demo accounts that still accept their published password: while one exists, anyone
/// can sign in with its role. The server warns about them at start.
pub async fn published_passwords_in_use(db: &Db) -> Result<Vec<String>, AppError> {
    let mut open = Vec::new();
    for (_, email, password) in DEMO_ACCOUNTS {
        let credentials = storage::credentials(&mut db.acquire().await?, email).await?;
        let Some(c) = credentials.filter(|c| !c.disabled && c.password_hash.is_some()) else {
            continue;
        };
        let admission = crate::auth::hash_gate().admit()?;
        if crate::auth::password_matches(admission, c.password_hash, password).await? {
            open.push(email.to_string());
        }
    }
    Ok(open)
}

/// SplitMix64: small, fast and the same on every platform, so a seed always gives the same data.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `low..=high`.
    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % ((high - low + 1) as u64)) as i64
    }

    fn chance(&mut self, probability: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < probability
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const SYLLABLES: &[&str] = &[
    "nor", "va", "lis", "ta", "mar", "don", "bel", "ca", "ri", "so", "ka", "len", "thu", "vi",
    "ra", "mon", "zel", "pa", "dor", "an", "esk", "il", "ur", "sen",
];
const MINISTRIES: &[&str] = &[
    "Ministry of Finance",
    "Ministry of Justice",
    "Office of the Prime Minister",
    "National Statistics Office",
    "Ministry of Health",
    "Ministry of Education",
    "Public Procurement Agency",
    "National Parliament",
    "Anti-Corruption Commission",
    "Ministry of Environment",
    "Digital Government Agency",
    "Supreme Audit Institution",
];
const TOPICS: &[(&str, &str)] = &[
    ("Open contracting for public works", "Open Contracting"),
    ("Beneficial ownership register", "Beneficial Ownership"),
    (
        "Citizen participation in the budget",
        "Public Participation In Budget/Fiscal Policy",
    ),
    ("Access to information law reform", "Right To Information"),
    ("Open parliament data portal", "Open Parliaments"),
    (
        "Whistleblower protection framework",
        "Whistleblower Protections",
    ),
    ("Lobbying transparency register", "Lobbying"),
    ("Open justice: publishing court decisions", "Open Justice"),
    ("Climate finance tracking", "Climate Finance"),
    ("Asset declarations of public officials", "Asset Disclosure"),
    ("Open data for health services", "Health & Nutrition"),
    ("Gender-responsive open government", "Gender"),
    ("Fiscal transparency portal", "Fiscal Openness"),
    ("Digital participation platform", "Digital Participation"),
];
const MILESTONE_STEPS: &[&str] = &[
    "Publish the draft for public consultation",
    "Hold consultations with civil society",
    "Adopt the regulation",
    "Launch the open data portal",
    "Train officials in the new procedures",
    "Publish the first annual report",
    "Evaluate results with civil society",
];

fn member_name(random: &mut Random) -> String {
    let parts = random.range(2, 3);
    let mut name = String::new();
    for _ in 0..parts {
        name.push_str(random.pick::<&str>(SYLLABLES));
    }
    let mut chars = name.chars();
    let capitalised = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default();
    match random.range(0, 3) {
        0 => format!("Republic of {capitalised}"),
        1 => format!("{capitalised}ia"),
        _ => capitalised,
    }
}

/// The demo member `index`'s code: X and two letters for the first 676, X and three
/// letters beyond (for scales above 9). ISO 3166 leaves X codes to private use, but OGP
/// gives some to real members (XKX, Kosovo) and local members have codes of any shape, so
/// [`generate`] skips the codes of stored members.
fn member_code(index: usize) -> String {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let letter = |n: usize| letters[n % 26] as char;
    if index < 676 {
        format!("X{}{}", letter(index / 26), letter(index))
    } else {
        let index = index - 676;
        format!(
            "X{}{}{}",
            letter(index / 676),
            letter(index / 26),
            letter(index)
        )
    }
}

/// As many members as [`member_code`] names.
const MAX_MEMBERS: usize = 676 + 26 * 26 * 26;

fn date(year: i64, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year as i32, month, day).unwrap_or_default()
}

/// Generates demo data in one transaction, replacing earlier demo data; real data stays.
pub async fn generate(
    db: &Db,
    actor: &Actor,
    config: &DemoConfig,
) -> Result<DemoSummary, AppError> {
    actor.authorize(app::policy::may_administer)?;
    let mut random = Random(config.seed);
    let today = chrono::Utc::now().date_naive();
    let this_year = i64::from(today.year());
    let member_count = ((75.0 * config.scale).round() as usize).clamp(1, MAX_MEMBERS);
    let mut summary = DemoSummary::default();
    let mut tx = db.begin().await?;
    let kept_grants = storage::grants_on_demo_members(&mut tx).await?;
    storage::delete_demo_data(&mut tx).await?;
    let mut history = ChangeRecorder::new(NewChange {
        at: storage::now(),
        cause: ChangeCause::Demo,
        source: None,
        actor: PublicActor::default(),
        actor_user_id: None,
    });
    let mut used_names = std::collections::HashSet::new();
    let taken: std::collections::HashSet<String> = storage::member_choices(&mut tx)
        .await?
        .into_iter()
        .map(|member| member.code)
        .collect();
    let mut codes = (0..MAX_MEMBERS)
        .map(member_code)
        .filter(|code| !taken.contains(code));

    for index in 0..member_count {
        let Some(code) = codes.next() else {
            break;
        };
        let mut name = member_name(&mut random);
        while !used_names.insert(name.clone()) {
            name = format!("{name} {}", index + 1);
        }
        let kind = match random.range(0, 99) {
            0..=84 => MemberKind::National,
            85..=96 => MemberKind::Local,
            _ => MemberKind::Other,
        };
        let member = Member {
            slug: slugify(&name),
            name,
            code: code.clone(),
            kind,
            region: Some(*random.pick(Region::ALL)),
            commitment_prefix: code.clone(),
            demo: true,
        };
        let member_id = storage::insert_member(&mut tx, &member, true).await?;
        history
            .add(
                &mut tx,
                NewEntry::created(RecordKind::Member, member_id, None, None, &member.name),
            )
            .await?;
        summary.members += 1;

        let plan_count = random.range(3, 8);
        let first_year = random.range(2011, 2016);
        let mut commitment_number = 0;
        for plan_number in 1..=plan_count {
            let start_year = first_year + (plan_number - 1) * 2;
            if start_year > this_year + 1 {
                break;
            }
            let duration = if start_year >= 2022 && random.chance(0.3) {
                4
            } else {
                2
            };
            let end_year = start_year + duration;
            let status = if start_year > this_year {
                PlanStatus::Draft
            } else if end_year < this_year {
                PlanStatus::Completed
            } else {
                PlanStatus::Active
            };
            let plan = ActionPlan {
                key: ActionPlan::key_for(&code, plan_number),
                member_code: code.clone(),
                number: plan_number,
                title: Some(format!("{} action plan {plan_number}", member.name)),
                year_submitted: Some(start_year),
                end_year: Some(end_year),
                start_date: Some(date(start_year, 9, 1)),
                end_date: Some(date(end_year, 8, 31)),
                status,
                document_url: None,
            };
            let plan_id = storage::insert_plan(&mut tx, &plan, member_id).await?;
            history
                .add(
                    &mut tx,
                    NewEntry::created(RecordKind::Plan, plan_id, None, None, &plan.key),
                )
                .await?;
            summary.plans += 1;

            let refreshed = start_year >= 2020;
            for number in 1..=random.range(6, 14) {
                commitment_number += 1;
                let (topic, area) = *random.pick(TOPICS);
                let lead = random.pick(MINISTRIES).to_string();
                let mut values: Vec<OgpValue> = OgpValue::ALL
                    .iter()
                    .copied()
                    .filter(|_| random.chance(0.45))
                    .collect();
                if values.is_empty() {
                    values.push(OgpValue::AccessToInformation);
                }
                let commitment = Commitment {
                    code: format!("{code}{commitment_number:04}"),
                    code_derived: false,
                    plan_key: plan.key.clone(),
                    number: number.to_string(),
                    title: format!("{topic} ({})", member.name),
                    short_title: Some(topic.to_string()),
                    full_text: Some(format!(
                        "Demonstration commitment. Problem: information about {} is scattered and hard to use. \
                         Commitment: {} will publish it as open data and involve civil society in its oversight.",
                        topic.to_lowercase(),
                        lead
                    )),
                    theme: Some(area.to_string()),
                    start_date: plan.start_date,
                    end_date: plan.end_date,
                    lead_institution: Some(lead.clone()),
                    supporting_institutions: Some("Transparency coalition (civil society)".into()),
                    values,
                    policy_areas: vec![area.to_string()],
                    carried_forward: Some(random.chance(0.1)),
                    active: Some(status == PlanStatus::Active),
                    cluster_ids: None,
                    source_url: None,
                    budget: random.chance(0.3).then(|| Budget {
                        amount: Some(random.range(10, 900) as f64 * 1000.0),
                        currency: Some("USD".into()),
                        funding_source: Some("National budget".into()),
                        funded: Some(random.chance(0.7)),
                    }),
                    demo: true,
                    problem: None,
                    entered: false,
                    withdrawal: None,
                };
                let commitment_id =
                    storage::insert_commitment(&mut tx, &commitment, plan_id, &[]).await?;
                let in_commitment = Some(commitment_id);
                history
                    .add(
                        &mut tx,
                        NewEntry::created(
                            RecordKind::Commitment,
                            commitment_id,
                            in_commitment,
                            None,
                            &commitment.title,
                        ),
                    )
                    .await?;
                summary.commitments += 1;

                let plan_start = date(start_year, 9, 1);
                let plan_days = duration * 365;
                let milestone_count = random.range(2, 6);
                // Each step at most once per commitment (there are more steps than milestones).
                let mut steps_taken = [false; MILESTONE_STEPS.len()];
                for position in 1..=milestone_count {
                    let planned_end =
                        plan_start + Duration::days(plan_days * position / milestone_count);
                    let due = planned_end < today;
                    let status = if status == PlanStatus::Draft {
                        MilestoneStatus::NotStarted
                    } else if random.chance(0.04) {
                        MilestoneStatus::Withdrawn
                    } else if due && random.chance(0.75) {
                        MilestoneStatus::Completed
                    } else if due {
                        MilestoneStatus::Delayed
                    } else if planned_end - Duration::days(240) < today {
                        MilestoneStatus::InProgress
                    } else {
                        MilestoneStatus::NotStarted
                    };
                    let progress = match status {
                        MilestoneStatus::Completed => 100,
                        MilestoneStatus::InProgress => random.range(10, 90),
                        MilestoneStatus::Delayed => random.range(5, 70),
                        MilestoneStatus::NotStarted | MilestoneStatus::Withdrawn => 0,
                    };
                    let drawn = (random.next() % MILESTONE_STEPS.len() as u64) as usize;
                    let free = (0..MILESTONE_STEPS.len())
                        .map(|k| (drawn + k) % MILESTONE_STEPS.len())
                        .find(|i| !steps_taken[*i])
                        .unwrap_or(drawn);
                    steps_taken[free] = true;
                    let step = MILESTONE_STEPS[free].to_string();
                    let milestone = NewMilestone {
                        position,
                        title: step.clone(),
                        description: None,
                        responsible_institution: Some(lead.clone()),
                        planned_start: Some(planned_end - Duration::days(180)),
                        planned_end: Some(planned_end),
                        completed_on: (status == MilestoneStatus::Completed)
                            .then(|| planned_end - Duration::days(random.range(0, 60))),
                        status,
                        progress,
                        weight: if random.chance(0.2) { 2.0 } else { 1.0 },
                    };
                    let milestone_id =
                        storage::insert_milestone(&mut tx, commitment_id, &milestone).await?;
                    history
                        .add(
                            &mut tx,
                            NewEntry::created(
                                RecordKind::Milestone,
                                milestone_id,
                                in_commitment,
                                Some(milestone_id),
                                &milestone.title,
                            ),
                        )
                        .await?;
                    summary.milestones += 1;

                    if status == MilestoneStatus::NotStarted {
                        continue;
                    }
                    let update_count = random.range(1, 2);
                    for n in 1..=update_count {
                        let last = n == update_count;
                        let reported = (planned_end - Duration::days(30 * (update_count - n + 1)))
                            .min(today - Duration::days(random.range(1, 400)));
                        // The last update tells the milestone's state when it was reported:
                        // completion on the day it was completed, a delay after the
                        // planned end, work under way once it had started.
                        let reported = match (last, status, milestone.completed_on) {
                            (true, MilestoneStatus::Completed, Some(on)) => on,
                            (true, MilestoneStatus::Delayed, _) => {
                                reported.max(planned_end + Duration::days(1)).min(today)
                            }
                            _ => reported.max(planned_end - Duration::days(180)).min(today),
                        };
                        let at = reported.and_hms_opt(10, 0, 0).unwrap_or_default();
                        let (update_status, update_progress) = if last {
                            (status, progress)
                        } else {
                            (MilestoneStatus::InProgress, progress / 2)
                        };
                        let evidence = if update_status == MilestoneStatus::Completed {
                            vec![EvidenceLink {
                                url: format!(
                                    "https://example.org/{}/{}/{}",
                                    code.to_lowercase(),
                                    commitment_number,
                                    position
                                ),
                                title: format!("Evidence: {step}"),
                            }]
                        } else {
                            Vec::new()
                        };
                        let narrative: String = match update_status {
                            MilestoneStatus::Completed => {
                                format!("Done: {}.", step.to_lowercase())
                            }
                            MilestoneStatus::Delayed => {
                                "Delayed: waiting for budget approval.".into()
                            }
                            MilestoneStatus::Withdrawn => {
                                "Withdrawn after the change of government.".into()
                            }
                            _ => "Work is under way with civil society.".into(),
                        };
                        let update_id = storage::insert_progress_update(
                            &mut tx,
                            milestone_id,
                            &NewProgressUpdate {
                                author: PublicActor {
                                    role: Some(Role::Poc),
                                    member: None,
                                    institution: Some(lead.clone()),
                                },
                                author_id: None,
                                created_at: at.and_utc(),
                                status: update_status,
                                progress: update_progress,
                                narrative: narrative.clone(),
                                evidence,
                                files: Vec::new(),
                                corrects: None,
                            },
                        )
                        .await?;
                        history
                            .add(
                                &mut tx,
                                NewEntry::created(
                                    RecordKind::ProgressUpdate,
                                    update_id,
                                    in_commitment,
                                    Some(milestone_id),
                                    &narrative,
                                ),
                            )
                            .await?;
                        summary.updates += 1;
                    }
                }
                summary.assessments += assess(
                    &mut tx,
                    &mut history,
                    &mut random,
                    commitment_id,
                    refreshed,
                    status,
                    &lead,
                )
                .await?;
            }
        }
    }
    restore_grants(&mut tx, kept_grants).await?;
    summary.accounts = demo_accounts(&mut tx).await?;
    history.flush(&mut tx).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::DemoDataLoaded,
            None,
            summary.facts(config),
        )
        .await?;
    tx.commit().await?;
    storage::fold_totals(db).await;
    Ok(summary)
}

fn score(indicator: Indicator, value: ScoreValue, justification: Option<&str>) -> Score {
    Score {
        indicator,
        value,
        justification: justification.map(String::from),
        evidence: Vec::new(),
    }
}

/// IRM scores for every commitment, and, for some, a government self-assessment and a
/// civil-society assessment that disagree on completion.
async fn assess(
    tx: &mut dyn Conn,
    history: &mut ChangeRecorder,
    random: &mut Random,
    commitment_id: i64,
    refreshed: bool,
    plan_status: PlanStatus,
    lead: &str,
) -> Result<usize, StorageError> {
    if plan_status == PlanStatus::Draft {
        return Ok(0);
    }
    let assessed_at = Utc
        .with_ymd_and_hms(2026, 1, 15, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let rated = ScoreValue::Rated;
    let mut assessments = Vec::new();
    let irm = |stage, scale, scores| Assessment {
        source: AssessmentSource::Irm,
        assessor: DEMO_IRM_ORGANISATION.into(),
        stage,
        scale,
        scores,
    };
    let completion = *random.pick(&Completion::ALL[1..5]);
    if refreshed {
        assessments.push(irm(
            Stage::Design,
            ScaleSet::Refreshed,
            vec![
                score(
                    Indicator::Verifiability,
                    rated(Rating::Verifiability(*random.pick(Verifiability::ALL))),
                    None,
                ),
                score(
                    Indicator::OpenGovernmentLens,
                    rated(Rating::YesNo(YesNo::Yes)),
                    None,
                ),
                score(
                    Indicator::PotentialForResults,
                    rated(Rating::PotentialForResults(
                        *random.pick(PotentialForResults::ALL),
                    )),
                    None,
                ),
                score(
                    Indicator::Promising,
                    rated(Rating::YesNo(*random.pick(YesNo::ALL))),
                    None,
                ),
            ],
        ));
        if plan_status == PlanStatus::Completed {
            assessments.push(irm(
                Stage::EndOfTerm,
                ScaleSet::Refreshed,
                vec![
                    score(
                        Indicator::Completion,
                        rated(Rating::Completion(completion)),
                        None,
                    ),
                    score(
                        Indicator::EarlyResults,
                        rated(Rating::EarlyResults(*random.pick(EarlyResults::ALL))),
                        None,
                    ),
                ],
            ));
        }
    } else {
        let relevance = |random: &mut Random| {
            if random.chance(0.5) {
                rated(Rating::Relevance(Relevance::Relevant))
            } else {
                rated(Rating::Relevance(Relevance::NotRelevant))
            }
        };
        let mut design = vec![score(
            Indicator::Specificity,
            rated(Rating::Specificity(*random.pick(Specificity::ALL))),
            None,
        )];
        for value in OgpValue::ALL {
            design.push(score(Indicator::Relevance(*value), relevance(random), None));
        }
        let impact = if random.chance(0.05) {
            ScoreValue::Missing(MissingCode::NotReviewed)
        } else {
            rated(Rating::PotentialImpact(*random.pick(PotentialImpact::ALL)))
        };
        design.push(score(Indicator::PotentialImpact, impact, None));
        assessments.push(irm(Stage::Design, ScaleSet::Classic, design));
        assessments.push(irm(
            Stage::MidTerm,
            ScaleSet::Classic,
            vec![score(
                Indicator::Completion,
                rated(Rating::Completion(*random.pick(&Completion::ALL[1..5]))),
                None,
            )],
        ));
        if plan_status == PlanStatus::Completed {
            assessments.push(irm(
                Stage::EndOfTerm,
                ScaleSet::Classic,
                vec![
                    score(
                        Indicator::Completion,
                        rated(Rating::Completion(completion)),
                        None,
                    ),
                    score(
                        Indicator::OpenedGovernment,
                        rated(Rating::OpenedGovernment(
                            *random.pick(&OpenedGovernment::ALL[1..]),
                        )),
                        None,
                    ),
                ],
            ));
        }
    }
    if random.chance(0.3) {
        let scale = if refreshed {
            ScaleSet::Refreshed
        } else {
            ScaleSet::Classic
        };
        let claimed = Completion::Complete;
        let seen = *random.pick(&Completion::ALL[1..4]);
        assessments.push(Assessment {
            source: AssessmentSource::Government,
            assessor: format!("Point of contact, {lead}"),
            stage: Stage::EndOfTerm,
            scale,
            scores: vec![score(
                Indicator::Completion,
                rated(Rating::Completion(claimed)),
                Some("All milestones were delivered, see the evidence links."),
            )],
        });
        assessments.push(Assessment {
            source: AssessmentSource::CivilSociety,
            assessor: "Open government coalition (civil society)".into(),
            stage: Stage::EndOfTerm,
            scale,
            scores: vec![score(
                Indicator::Completion,
                rated(Rating::Completion(seen)),
                Some("The portal is online, but half of the promised data sets are missing."),
            )],
        });
    }
    for assessment in &assessments {
        // Demo commitments are made afresh, so nothing of theirs is a scorer's yet.
        let Some(id) =
            storage::save_assessment(tx, commitment_id, assessment, assessed_at, true).await?
        else {
            continue;
        };
        let label = assessment.history_label();
        history
            .add(
                tx,
                NewEntry::created(
                    RecordKind::Assessment,
                    id,
                    Some(commitment_id),
                    None,
                    &label,
                ),
            )
            .await?;
    }
    Ok(assessments.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let mut a = Random(7);
        let mut b = Random(7);
        let first: Vec<u64> = (0..5).map(|_| a.next()).collect();
        let second: Vec<u64> = (0..5).map(|_| b.next()).collect();
        assert_eq!(first, second);
        assert_ne!(Random(8).next(), first[0]);
    }

    #[test]
    fn member_codes_are_distinct_and_start_with_x() {
        assert_eq!(member_code(0), "XAA");
        assert_eq!(member_code(27), "XBB");
        assert!((0..676).all(|i| member_code(i).starts_with('X')));
        assert_eq!(member_code(676), "XAAA");
        assert_eq!(member_code(MAX_MEMBERS - 1), "XZZZ");
        let codes: std::collections::HashSet<String> = (0..MAX_MEMBERS).map(member_code).collect();
        assert_eq!(codes.len(), MAX_MEMBERS);
    }

    #[test]
    fn ranges_stay_inside_their_bounds() {
        let mut random = Random(1);
        for _ in 0..1000 {
            let n = random.range(3, 8);
            assert!((3..=8).contains(&n));
        }
    }
}
