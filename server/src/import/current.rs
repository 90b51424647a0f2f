//! OGP's current commitment layout: one header row, one commitment per row, with IDs.

use super::row::{irm_assessment, plan_status, ColumnPlan, ImportRecord, Row};
use app::domain::*;

pub const REQUIRED: &[&str] = &[
    "Commitment Unique Identifier",
    "Country/Locality",
    "Action Plan Number",
    "Commitment Number",
    "Code",
    "Commitment Title",
];

pub const COLUMNS: ColumnPlan = ColumnPlan {
    policy_areas_after: "Supporting Institution(s)",
    policy_areas_before: "Report Publication Year (Progress Report)",
    read: READ,
    not_imported: NOT_IMPORTED,
};

/// Columns read by name below.
const READ: &[&str] = &[
    "Commitment Unique Identifier",
    "Country/Locality",
    "Action Plan Number",
    "Commitment Number",
    "Code",
    "Region",
    "National Or Local",
    "Year Of Submission",
    "Action Plan End Year",
    "Action Plan Duration (Years)",
    "Theme",
    "Commitment Title",
    "Short Title",
    "Full Text",
    "Start Date",
    "End Date",
    "Lead Institution",
    "Supporting Institution(s)",
    "Specificity",
    "Verifiable",
    "OGP Value Access To Information",
    "OGP Value Civic Participation",
    "OGP Value Public Accountability",
    "OGP Value Technology",
    "Potential Impact",
    "Completion (Progress Report)",
    "Potential for Results",
    "Cluster (AP Review)",
    "Cluster Commitment ID(s)",
    "Completion (End Of Term)",
    "Early Results",
    "Did It Open Government (Overall)",
    "Did It Open Government (Access To Information)",
    "Did It Open Government (Civic Participation)",
    "Did It Open Government: Public Accountability",
    "Carried Forward",
    "Active Commitment",
    "URL",
    "Action Plan ID",
];

/// Known columns deliberately not imported: OGP's derived figures (the tracker recomputes
/// stars and groupings from the scores), numeric twins, and bookkeeping.
const NOT_IMPORTED: &[&str] = &[
    "Commitment Dummy",
    "Report Publication Year (Progress Report)",
    "Compound",
    "Cluster",
    "Starred (2015 Only)",
    "Starred (Current Formula) Progress Report",
    "Report Publication Year (End Of Term)",
    "Change In Completion",
    "Starred (Current Formula) End of Term",
    "Most Recently Assessed",
    "Star - Most Recently Assessed",
    "IRM Assessed",
    "Updated? (Website)",
    "Max star",
    "Ambition Assessed",
    "Comp Assessed",
    "DIOG Assessed",
    "Midterm Only",
    "Max Completion",
    "Raw Completion",
    "High Completion",
    "High Ambition",
    "High DIOG",
    "Ambitious and complete, or DIOG",
    "Ambitious but not complete",
    "Complete but not ambitious",
    "Not complete or ambitious",
    "Not reviewed",
    "CHECKSUM",
    "IRM-Based Score",
    "Binding constraint",
    "Latest IRM Report",
    "Subnational in NAPs",
    "id",
];

/// The leading letters of a commitment ID: its member prefix.
fn id_prefix(code: &str) -> Option<&str> {
    let letters = code.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let (prefix, digits) = code.split_at(letters);
    (letters > 0 && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
        .then_some(prefix)
}

pub fn read_row(
    row: &mut Row<'_>,
    policy_areas: &[String],
    current_year: i64,
) -> Result<ImportRecord, String> {
    let code = row
        .get("Commitment Unique Identifier")
        .trim()
        .to_uppercase();
    let prefix = id_prefix(&code)
        .ok_or_else(|| format!("commitment ID {code:?} is not a member prefix followed by digits"))?
        .to_string();
    let member_code = row.get("Code").trim().to_uppercase();
    if member_code.is_empty() {
        return Err("no member code in column \"Code\"".into());
    }
    let member_name = row
        .text("Country/Locality", "member")
        .ok_or("no member name in column \"Country/Locality\"")?;
    let plan_number = row
        .integer("Action Plan Number")
        .filter(|n| *n > 0)
        .ok_or("no action plan number")?;
    let number = row
        .text("Commitment Number", "number")
        .ok_or("no commitment number")?;
    let title = row
        .text("Commitment Title", "title")
        .or_else(|| row.text("Short Title", "short_title"))
        .ok_or("no commitment title")?;

    let region_raw = row.get("Region");
    let region = Region::parse_label(region_raw);
    if region.is_none() && !region_raw.trim().is_empty() {
        return Err(format!("unknown region {region_raw:?}"));
    }
    let kind_raw = row.get("National Or Local");
    let kind = MemberKind::parse_label(kind_raw)
        .ok_or_else(|| format!("unknown member kind {kind_raw:?}"))?;
    let member = Member {
        slug: slugify(&member_name),
        code: member_code.clone(),
        name: member_name,
        kind,
        region,
        commitment_prefix: prefix,
        demo: false,
    };

    let year_submitted = row.integer("Year Of Submission");
    let end_year = row.integer("Action Plan End Year");
    let plan_key = match row.get("Action Plan ID").trim() {
        "" => ActionPlan::key_for(&member_code, plan_number),
        key => key.to_string(),
    };
    let plan = ActionPlan {
        key: plan_key.clone(),
        member_code,
        number: plan_number,
        title: None,
        year_submitted,
        end_year,
        start_date: None,
        end_date: None,
        status: plan_status(end_year, year_submitted, current_year),
        document_url: None,
    };

    let commitment = Commitment {
        code,
        code_derived: false,
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
        carried_forward: row.flag("Carried Forward", "carried_forward"),
        active: row.flag("Active Commitment", "active"),
        cluster_ids: row.text("Cluster Commitment ID(s)", "cluster_ids"),
        source_url: row.text("URL", "source_url"),
        budget: None,
        demo: false,
        problem: None,
        entered: false,
        withdrawal: None,
        title,
    };

    // Refreshed-era rows carry a potential for results or early results; their
    // verifiability and completion belong to the refreshed scale set.
    let refreshed_design = row.score("Potential for Results", Indicator::PotentialForResults);
    let refreshed_results = row.score("Early Results", Indicator::EarlyResults);
    let is_rated = |s: &Option<Score>| {
        matches!(
            s,
            Some(Score {
                value: ScoreValue::Rated(_),
                ..
            })
        )
    };
    let design_is_refreshed = is_rated(&refreshed_design);
    let results_are_refreshed = is_rated(&refreshed_results);

    let verifiable = row.score("Verifiable", Indicator::Verifiability);
    let (classic_verifiable, refreshed_verifiable) = if design_is_refreshed {
        (None, verifiable)
    } else {
        (verifiable, None)
    };
    let end_completion = row.score("Completion (End Of Term)", Indicator::Completion);
    let (classic_end_completion, refreshed_end_completion) = if results_are_refreshed {
        (None, end_completion)
    } else {
        (end_completion, None)
    };

    let classic_design = vec![
        row.score("Specificity", Indicator::Specificity),
        classic_verifiable,
        row.score(
            "OGP Value Access To Information",
            Indicator::Relevance(OgpValue::AccessToInformation),
        ),
        row.score(
            "OGP Value Civic Participation",
            Indicator::Relevance(OgpValue::CivicParticipation),
        ),
        row.score(
            "OGP Value Public Accountability",
            Indicator::Relevance(OgpValue::PublicAccountability),
        ),
        row.score(
            "OGP Value Technology",
            Indicator::Relevance(OgpValue::TechnologyInnovation),
        ),
        row.score("Potential Impact", Indicator::PotentialImpact),
    ];
    let classic_mid = vec![row.score("Completion (Progress Report)", Indicator::Completion)];
    let classic_end = vec![
        classic_end_completion,
        row.score(
            "Did It Open Government (Overall)",
            Indicator::OpenedGovernment,
        ),
        row.score(
            "Did It Open Government (Access To Information)",
            Indicator::OpenedGovernmentFor(OgpValue::AccessToInformation),
        ),
        row.score(
            "Did It Open Government (Civic Participation)",
            Indicator::OpenedGovernmentFor(OgpValue::CivicParticipation),
        ),
        row.score(
            "Did It Open Government: Public Accountability",
            Indicator::OpenedGovernmentFor(OgpValue::PublicAccountability),
        ),
    ];
    let refreshed_design_scores = vec![refreshed_verifiable, refreshed_design];
    let refreshed_results_scores = vec![refreshed_end_completion, refreshed_results];

    let assessments = [
        irm_assessment(Stage::Design, ScaleSet::Classic, classic_design),
        irm_assessment(Stage::MidTerm, ScaleSet::Classic, classic_mid),
        irm_assessment(Stage::EndOfTerm, ScaleSet::Classic, classic_end),
        irm_assessment(Stage::Design, ScaleSet::Refreshed, refreshed_design_scores),
        irm_assessment(
            Stage::EndOfTerm,
            ScaleSet::Refreshed,
            refreshed_results_scores,
        ),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_prefixes_are_letters_then_digits() {
        assert_eq!(id_prefix("AR0045"), Some("AR"));
        assert_eq!(id_prefix("BUE0009"), Some("BUE"));
        assert_eq!(id_prefix("0045"), None);
        assert_eq!(id_prefix("AR"), None);
        assert_eq!(id_prefix("AR00X5"), None);
    }
}
