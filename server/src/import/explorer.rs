//! The 2016 OGP Explorer layout: row 1 is a column index, row 2 the header; country names
//! instead of codes and no commitment IDs (they are derived on import).

use super::countries::explorer_member;
use super::row::{irm_assessment, plan_status, ColumnPlan, Columns, ImportRecord, Row};
use app::domain::*;
use csv::StringRecord;

pub const REQUIRED: &[&str] = &[
    "Country",
    "Action Plan Number",
    "Comm No",
    "Commitment Title",
];

pub const COLUMNS: ColumnPlan = ColumnPlan {
    policy_areas_after: "Contact Telephone",
    policy_areas_before: "Checksum",
    read: READ,
    not_imported: NOT_IMPORTED,
};

const READ: &[&str] = &[
    "Country",
    "Action Plan Number",
    "Theme",
    "Comm No",
    "Commitment Title",
    "Short Title",
    "Full Text",
    "Start Date",
    "End Date",
    "Lead Institution",
    "Supporting Institution(s)",
    "Specificity",
    "Value -Info",
    "Value -Part",
    "Value -Acc",
    "Value -Tech",
    "Potential impact",
    "Completion (progress report)",
    "Year of submission",
    "Completion (end of term)",
    "Did it open government (end of term only)",
];

/// Known columns not imported: contact data (personal, and only `NR` here), working-group and
/// grand-challenge tags, OGP's derived figures and numeric twins.
const NOT_IMPORTED: &[&str] = &[
    "Comm Dummy",
    "Contact Name",
    "Contact Position",
    "Contact Email",
    "Contact Telephone",
    "Checksum",
    "ODWG",
    "FOWG",
    "LOWG",
    "ATWG",
    "ONRWG",
    "Compound",
    "Cluster",
    "PoC Specified? (Delete?)",
    "GC-PubInt",
    "GC-PubRes",
    "GC-PubSvc",
    "GC-CorpAcc",
    "GC-SafComm",
    "Starred (pre-June 2014 assessments)",
    "Starred (2015 only)",
    "Starred (current formula) progress report",
    "IRM Assessed (Y/N)?",
    "Report publication year (progress report)",
    "Report publication year (end of term)",
    "Change in completion",
    "Starred (current formula) end of term",
];

/// True when a row is the Explorer's column index: 0, 1, 2, … in order.
pub fn is_column_index(record: &StringRecord) -> bool {
    let filled: Vec<&str> = record
        .iter()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    filled.len() > 10
        && filled
            .iter()
            .enumerate()
            .all(|(i, f)| f.parse::<usize>() == Ok(i))
}

pub fn read_row(
    row: &mut Row<'_>,
    policy_areas: &[String],
    current_year: i64,
) -> Result<ImportRecord, String> {
    let country = row.get("Country").trim().to_string();
    let known = explorer_member(&country).ok_or_else(|| format!("unknown country {country:?}"))?;
    let plan_number = row
        .integer("Action Plan Number")
        .filter(|n| *n > 0)
        .ok_or("no action plan number")?;
    let number = row
        .text("Comm No", "number")
        .ok_or("no commitment number")?;
    let title = row
        .text("Commitment Title", "title")
        .or_else(|| row.text("Short Title", "short_title"))
        .ok_or("no commitment title")?;
    let member = Member {
        code: known.code.to_string(),
        name: known.name.to_string(),
        slug: slugify(known.name),
        kind: MemberKind::National,
        region: Some(known.region),
        commitment_prefix: known.prefix.to_string(),
        demo: false,
    };
    let year_submitted = row.integer("Year of submission");
    let plan_key = ActionPlan::key_for(known.code, plan_number);
    let plan = ActionPlan {
        key: plan_key.clone(),
        member_code: known.code.to_string(),
        number: plan_number,
        title: None,
        year_submitted,
        end_year: None,
        start_date: None,
        end_date: None,
        status: plan_status(None, year_submitted, current_year),
        document_url: None,
    };
    let commitment = Commitment {
        code: String::new(),
        code_derived: true,
        plan_key,
        number,
        short_title: row.text("Short Title", "short_title"),
        full_text: row.text("Full Text", "full_text"),
        theme: row.text("Theme", "theme"),
        start_date: row.date("Start Date", "start_date"),
        end_date: row.date("End Date", "end_date"),
        lead_institution: row.text("Lead Institution", "lead_institution"),
        supporting_institutions: row.text("Supporting Institution(s)", "supporting_institutions"),
        values: Vec::new(),
        policy_areas: policy_areas
            .iter()
            .filter(|area| row.policy_area(area))
            .cloned()
            .collect(),
        carried_forward: None,
        active: None,
        cluster_ids: None,
        source_url: None,
        budget: None,
        demo: false,
        problem: None,
        entered: false,
        withdrawal: None,
        title,
    };
    let design = vec![
        row.score("Specificity", Indicator::Specificity),
        row.score(
            "Value -Info",
            Indicator::Relevance(OgpValue::AccessToInformation),
        ),
        row.score(
            "Value -Part",
            Indicator::Relevance(OgpValue::CivicParticipation),
        ),
        row.score(
            "Value -Acc",
            Indicator::Relevance(OgpValue::PublicAccountability),
        ),
        row.score(
            "Value -Tech",
            Indicator::Relevance(OgpValue::TechnologyInnovation),
        ),
        row.score("Potential impact", Indicator::PotentialImpact),
    ];
    let mid = vec![row.score("Completion (progress report)", Indicator::Completion)];
    let end = vec![
        row.score("Completion (end of term)", Indicator::Completion),
        row.score(
            "Did it open government (end of term only)",
            Indicator::OpenedGovernment,
        ),
    ];
    let assessments = [
        irm_assessment(Stage::Design, ScaleSet::Classic, design),
        irm_assessment(Stage::MidTerm, ScaleSet::Classic, mid),
        irm_assessment(Stage::EndOfTerm, ScaleSet::Classic, end),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(ImportRecord {
        line: row.line,
        member,
        plan,
        commitment,
        raw_values: std::mem::take(&mut row.raw_values),
        assessments,
    })
}

/// Columns the Explorer layout must have.
pub fn check_columns(columns: &Columns) -> Vec<&'static str> {
    columns.missing(REQUIRED)
}
