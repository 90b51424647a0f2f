//! The public change history: every change to a public record (member, plan, commitment,
//! milestone, progress update, assessment), field by field, with when, who (a role and a
//! member or institution, never an e-mail) and what caused it. Append-only.

use super::levels::*;
use super::{
    ActionPlan, Assessment, AssessmentSource, Commitment, Indicator, Member, Milestone, Role,
    ScaleSet, Stage,
};
use crate::i18n::Key;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

level_enum! {
    /// The kind of public record a history entry is about.
    RecordKind {
        Member = "member" => RecordMember,
        Plan = "plan" => RecordPlan,
        Commitment = "commitment" => RecordCommitment,
        Milestone = "milestone" => RecordMilestone,
        ProgressUpdate = "progress_update" => RecordProgressUpdate,
        Assessment = "assessment" => RecordAssessment,
    }
}

level_enum! {
    /// Which front door a change came through.
    ChangeCause {
        Form = "form" => CauseForm,
        CommandLine = "command_line" => CauseCommandLine,
        Import = "import" => CauseImport,
        Demo = "demo" => CauseDemo,
    }
}

level_enum! {
    /// A field of a public record, as history names it. `Record` stands for the record as
    /// a whole: an entry for it with nothing before says the record was created.
    RecordField {
        Record = "record" => HistoryFieldRecord,
        Name = "name" => FieldName,
        Kind = "kind" => ColKind,
        Region = "region" => ColRegion,
        CommitmentPrefix = "commitment_prefix" => FieldCommitmentPrefix,
        Number = "number" => ColNumber,
        Title = "title" => FieldTitle,
        ShortTitle = "short_title" => FieldShortTitle,
        FullText = "full_text" => FieldFullText,
        Description = "description" => FieldDescription,
        Theme = "theme" => FieldTheme,
        YearSubmitted = "year_submitted" => FieldYearSubmitted,
        EndYear = "end_year" => FieldEndYear,
        StartDate = "start_date" => FieldStartDate,
        EndDate = "end_date" => FieldEndDate,
        Status = "status" => ColStatus,
        DocumentUrl = "document_url" => FieldDocumentUrl,
        LeadInstitution = "lead_institution" => FieldLeadInstitution,
        SupportingInstitutions = "supporting_institutions" => FieldSupportingInstitutions,
        ResponsibleInstitution = "responsible_institution" => FieldResponsibleInstitution,
        Values = "values" => FieldValues,
        PolicyAreas = "policy_areas" => FieldPolicyAreas,
        CarriedForward = "carried_forward" => FieldCarriedForward,
        Active = "active" => FieldActive,
        ClusterIds = "cluster_ids" => FieldCluster,
        SourceUrl = "source_url" => FieldSource,
        BudgetAmount = "budget_amount" => FieldBudgetAmount,
        BudgetCurrency = "budget_currency" => FieldBudgetCurrency,
        FundingSource = "funding_source" => FieldFundingSource,
        Funded = "funded" => FieldFunded,
        Position = "position" => FieldPosition,
        PlannedStart = "planned_start" => FieldPlannedStart,
        PlannedEnd = "planned_end" => ColDue,
        Progress = "progress" => FieldProgressPercent,
        CompletedOn = "completed_on" => FieldCompletedOn,
        Weight = "weight" => FieldWeight,
        Narrative = "narrative" => FieldNarrative,
        Code = "code" => FieldCode,
        Problem = "problem" => FieldProblem,
        WithdrawnOn = "withdrawn_on" => FieldWithdrawnOn,
        WithdrawalReason = "withdrawal_reason" => FieldWithdrawalReason,
    }
}

/// What a history entry names: a field of the record, or one score of an assessment, or
/// the justification given for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistoryField {
    Field(RecordField),
    Score(Indicator),
    Justification(Indicator),
    /// The evidence links a score cites, one per line.
    Evidence(Indicator),
}

impl HistoryField {
    /// The stored name: the field's machine name, or `score:` or `justification:` and the
    /// indicator's.
    pub fn machine_name(self) -> String {
        match self {
            HistoryField::Field(field) => field.as_str().to_string(),
            HistoryField::Score(indicator) => format!("score:{}", indicator.machine_name()),
            HistoryField::Justification(indicator) => {
                format!("justification:{}", indicator.machine_name())
            }
            HistoryField::Evidence(indicator) => {
                format!("evidence:{}", indicator.machine_name())
            }
        }
    }

    pub fn from_machine_name(name: &str) -> Option<HistoryField> {
        if let Some(indicator) = name.strip_prefix("score:") {
            return Indicator::from_machine_name(indicator).map(HistoryField::Score);
        }
        if let Some(indicator) = name.strip_prefix("justification:") {
            return Indicator::from_machine_name(indicator).map(HistoryField::Justification);
        }
        if let Some(indicator) = name.strip_prefix("evidence:") {
            return Indicator::from_machine_name(indicator).map(HistoryField::Evidence);
        }
        RecordField::from_machine(name).map(HistoryField::Field)
    }

    /// The field's label; a justification is labelled by its indicator and
    /// [`Key::HistoryJustification`].
    pub fn label_key(self) -> Key {
        match self {
            HistoryField::Field(field) => field.label_key(),
            HistoryField::Score(indicator)
            | HistoryField::Justification(indicator)
            | HistoryField::Evidence(indicator) => indicator.label_key(),
        }
    }
}

/// Who made a change, as the public sees them: a role and the member or institution it
/// is held for. People are never named by e-mail.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicActor {
    pub role: Option<Role>,
    pub member: Option<String>,
    pub institution: Option<String>,
}

/// One change: what one command did, to one or more records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub cause: ChangeCause,
    /// For an import: the file's name.
    pub source: Option<String>,
    pub actor: PublicActor,
    pub entries: Vec<HistoryEntry>,
}

/// Which assessment an entry is about: whose, at which stage, on which scale set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentLabel {
    pub source: AssessmentSource,
    pub stage: Stage,
    pub scale: ScaleSet,
}

/// One field of one record, before and after a change; `before` is `None` when the
/// record or the value did not exist yet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub record: RecordKind,
    pub record_id: i64,
    /// The milestone's title, for entries about a milestone or one of its updates.
    pub milestone: Option<String>,
    /// For entries about an assessment: which one.
    pub assessment: Option<AssessmentLabel>,
    pub field: HistoryField,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One page of a commitment's history, newest change first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub commitment_code: String,
    pub commitment_title: String,
    pub changes: Vec<Change>,
    pub total_changes: i64,
}

/// A record's fields as history stores them: machine names, ISO dates, `true`/`false`.
pub type FieldValues = Vec<(HistoryField, Option<String>)>;

/// The fields whose value differs between `before` and `after`, as (field, before, after):
/// those of `after` in its order, then those only `before` has (gone since).
pub fn changed_fields(
    before: &FieldValues,
    after: &FieldValues,
) -> Vec<(HistoryField, Option<String>, Option<String>)> {
    let value = |values: &FieldValues, field: &HistoryField| {
        values
            .iter()
            .find(|(f, _)| f == field)
            .and_then(|(_, v)| v.clone())
    };
    let mut fields: Vec<HistoryField> = after.iter().map(|(f, _)| *f).collect();
    for (field, _) in before {
        if !fields.contains(field) {
            fields.push(*field);
        }
    }
    fields
        .into_iter()
        .filter_map(|field| {
            let (old, new) = (value(before, &field), value(after, &field));
            (old != new).then_some((field, old, new))
        })
        .collect()
}

fn text(value: &Option<String>) -> Option<String> {
    value.clone()
}

fn date(value: &Option<NaiveDate>) -> Option<String> {
    value.map(|d| d.to_string())
}

fn flag(value: Option<bool>) -> Option<String> {
    value.map(|b| b.to_string())
}

fn number<T: ToString>(value: Option<T>) -> Option<String> {
    value.map(|n| n.to_string())
}

fn field(field: RecordField, value: Option<String>) -> (HistoryField, Option<String>) {
    (HistoryField::Field(field), value)
}

impl Member {
    pub fn history_values(&self) -> FieldValues {
        vec![
            field(RecordField::Name, Some(self.name.clone())),
            field(RecordField::Kind, Some(self.kind.as_str().into())),
            field(RecordField::Region, self.region.map(|r| r.as_str().into())),
            field(
                RecordField::CommitmentPrefix,
                Some(self.commitment_prefix.clone()),
            ),
        ]
    }
}

impl ActionPlan {
    pub fn history_values(&self) -> FieldValues {
        vec![
            field(RecordField::Number, number(Some(self.number))),
            field(RecordField::Title, text(&self.title)),
            field(RecordField::YearSubmitted, number(self.year_submitted)),
            field(RecordField::EndYear, number(self.end_year)),
            field(RecordField::StartDate, date(&self.start_date)),
            field(RecordField::EndDate, date(&self.end_date)),
            field(RecordField::Status, Some(self.status.as_str().into())),
            field(RecordField::DocumentUrl, text(&self.document_url)),
        ]
    }
}

impl Commitment {
    pub fn history_values(&self) -> FieldValues {
        let budget = self.budget.as_ref();
        let mut values: Vec<&str> = self.values.iter().map(|v| v.as_str()).collect();
        values.sort();
        let mut areas = self.policy_areas.clone();
        areas.sort();
        vec![
            field(RecordField::Number, Some(self.number.clone())),
            field(RecordField::Title, Some(self.title.clone())),
            field(RecordField::ShortTitle, text(&self.short_title)),
            field(RecordField::FullText, text(&self.full_text)),
            field(RecordField::Theme, text(&self.theme)),
            field(RecordField::StartDate, date(&self.start_date)),
            field(RecordField::EndDate, date(&self.end_date)),
            field(RecordField::LeadInstitution, text(&self.lead_institution)),
            field(
                RecordField::SupportingInstitutions,
                text(&self.supporting_institutions),
            ),
            field(
                RecordField::Values,
                (!values.is_empty()).then(|| values.join(", ")),
            ),
            field(
                RecordField::PolicyAreas,
                (!areas.is_empty()).then(|| areas.join(", ")),
            ),
            field(RecordField::CarriedForward, flag(self.carried_forward)),
            field(RecordField::Active, flag(self.active)),
            field(RecordField::ClusterIds, text(&self.cluster_ids)),
            field(RecordField::SourceUrl, text(&self.source_url)),
            field(
                RecordField::BudgetAmount,
                number(budget.and_then(|b| b.amount)),
            ),
            field(
                RecordField::BudgetCurrency,
                budget.and_then(|b| b.currency.clone()),
            ),
            field(
                RecordField::FundingSource,
                budget.and_then(|b| b.funding_source.clone()),
            ),
            field(RecordField::Funded, flag(budget.and_then(|b| b.funded))),
            field(RecordField::Code, Some(self.code.clone())),
            field(RecordField::Problem, text(&self.problem)),
            field(
                RecordField::WithdrawnOn,
                date(&self.withdrawal.as_ref().map(|w| w.on)),
            ),
            field(
                RecordField::WithdrawalReason,
                self.withdrawal.as_ref().map(|w| w.reason.clone()),
            ),
        ]
    }
}

impl Milestone {
    pub fn history_values(&self) -> FieldValues {
        vec![
            field(RecordField::Position, number(Some(self.position))),
            field(RecordField::Title, Some(self.title.clone())),
            field(RecordField::Description, text(&self.description)),
            field(
                RecordField::ResponsibleInstitution,
                text(&self.responsible_institution),
            ),
            field(RecordField::PlannedStart, date(&self.planned_start)),
            field(RecordField::PlannedEnd, date(&self.planned_end)),
            field(RecordField::Status, Some(self.status.as_str().into())),
            field(RecordField::Progress, number(Some(self.progress))),
            field(RecordField::CompletedOn, date(&self.completed_on)),
            field(RecordField::Weight, number(Some(self.weight))),
        ]
    }
}

impl Assessment {
    /// One value per indicator scored (the level's or missing code's machine name) and
    /// one per justification given.
    pub fn history_values(&self) -> FieldValues {
        let mut values: FieldValues = self
            .scores
            .iter()
            .map(|score| {
                (
                    HistoryField::Score(score.indicator),
                    Some(score.value.as_str().to_string()),
                )
            })
            .collect();
        values.extend(self.scores.iter().filter_map(|score| {
            let justification = score.justification.clone()?;
            Some((
                HistoryField::Justification(score.indicator),
                Some(justification),
            ))
        }));
        values.extend(
            self.scores
                .iter()
                .filter(|s| !s.evidence.is_empty())
                .map(|score| {
                    (
                        HistoryField::Evidence(score.indicator),
                        Some(super::evidence_text(&score.evidence)),
                    )
                }),
        );
        values
    }

    /// How the assessment is named in history: source, stage and scale set.
    pub fn history_label(&self) -> String {
        format!(
            "{}/{}/{}",
            self.source.as_str(),
            self.stage.as_str(),
            self.scale.as_str()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_fields_round_trip_by_machine_name() {
        for field in RecordField::ALL {
            let named = HistoryField::Field(*field);
            assert_eq!(
                HistoryField::from_machine_name(&named.machine_name()),
                Some(named)
            );
        }
        for indicator in Indicator::all() {
            let named = HistoryField::Score(indicator);
            assert_eq!(
                HistoryField::from_machine_name(&named.machine_name()),
                Some(named)
            );
        }
        let justified = HistoryField::Justification(Indicator::Completion);
        assert_eq!(
            HistoryField::from_machine_name(&justified.machine_name()),
            Some(justified)
        );
        assert_eq!(HistoryField::from_machine_name("score:colour"), None);
    }

    #[test]
    fn only_changed_fields_are_listed() {
        let title = HistoryField::Field(RecordField::Title);
        let theme = HistoryField::Field(RecordField::Theme);
        let before = vec![(title, Some("Old".into())), (theme, None)];
        let after = vec![(title, Some("New".into())), (theme, None)];
        assert_eq!(
            changed_fields(&before, &after),
            vec![(title, Some("Old".into()), Some("New".into()))]
        );
        assert!(changed_fields(&after, &after).is_empty());
        // A field the new values no longer have is a change too.
        let gone = vec![(title, Some("New".into()))];
        assert_eq!(changed_fields(&after, &gone), vec![]);
        let score = HistoryField::Score(Indicator::Completion);
        let scored = vec![(title, Some("New".into())), (score, Some("limited".into()))];
        assert_eq!(
            changed_fields(&scored, &gone),
            vec![(score, Some("limited".into()), None)]
        );
    }
}
