//! Progress updates on milestones, posted by the member's points of contact.

use super::{required_text, Ctx, Failure};
use app::domain::MilestoneStatus;
use app::i18n::Key;
use app::page_state::Notice;
use app::policy;
use app::storage::{self, NewProgressUpdate};
use axum::extract::Path;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    progress: String,
    #[serde(default)]
    narrative: String,
}

pub async fn post_update(
    ctx: Ctx,
    Path(milestone_id): Path<i64>,
    Form(form): Form<UpdateForm>,
) -> Response {
    let scope = match storage::milestone_scope(&ctx.state.db, milestone_id).await {
        Ok(Some(scope)) => scope,
        Ok(None) => return ctx.fail(Failure::NotFound, "/", Vec::new()).await,
        Err(error) => return ctx.fail(error.into(), "/", Vec::new()).await,
    };
    let page = format!("/commitments/{}", scope.commitment_code);
    let values = vec![
        // Which of the page's update forms failed, so only that one is filled in again.
        ("form".to_string(), format!("milestone-{milestone_id}")),
        ("status".to_string(), form.status.clone()),
        ("progress".to_string(), form.progress.clone()),
        ("narrative".to_string(), form.narrative.clone()),
    ];
    let result = async {
        let viewer = ctx.allowed(policy::may_update_milestone(
            ctx.viewer(),
            &scope.member_code,
            scope.lead_institution.as_deref(),
        ))?;
        let status = MilestoneStatus::from_machine(form.status.trim())
            .ok_or(Failure::invalid("status", Key::ErrStatus))?;
        let progress: i64 = form
            .progress
            .trim()
            .parse()
            .ok()
            .filter(|p| (0..=100).contains(p))
            .ok_or(Failure::invalid("progress", Key::ErrProgress))?;
        let narrative = required_text(&form.narrative, "narrative", 5000)?;
        // Public pages name the role and the institution, never the person's address.
        let author = match policy::poc_grant_for(
            &viewer,
            &scope.member_code,
            scope.lead_institution.as_deref(),
        ) {
            Some(grant) => format!(
                "Point of contact, {}",
                grant
                    .institution
                    .clone()
                    .or_else(|| scope.lead_institution.clone())
                    .or_else(|| grant.member_name.clone())
                    .unwrap_or_default()
            ),
            None => "Administrator".to_string(),
        };
        let update = NewProgressUpdate {
            author,
            author_id: Some(viewer.user_id),
            created_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            status,
            progress,
            narrative,
            evidence: Vec::new(),
        };
        let mut tx = ctx.state.db.begin().await?;
        storage::record_milestone_update(&mut tx, milestone_id, &update).await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => ctx.done(&page, Notice::success(Key::NoticeUpdateSaved)),
        Err(failure) => ctx.fail(failure, &page, values).await,
    }
}
