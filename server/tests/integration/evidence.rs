//! Evidence files on progress updates, and corrections: files are checked by content,
//! kept in the database, served so that no browser runs them; a correction is a new update
//! that names the one it corrects.

use crate::browser::*;
use crate::common::*;
use app::storage::Db;
use axum::http::{header, StatusCode};

/// A file as a form sends it: field, file name, content.
type FilePart<'a> = (&'a str, &'a str, &'a [u8]);

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

/// What an update could leave behind.
async fn written(db: &Db, milestone: i64) -> (i64, i64, i64) {
    (
        count(db, "progress_updates").await,
        count(db, "evidence_files").await,
        milestone_version(db, milestone).await,
    )
}

async fn post(
    browser: &mut Browser,
    db: &Db,
    milestone: i64,
    status: &str,
    progress: &str,
    files: &[FilePart<'_>],
) -> Answer {
    let version = milestone_version(db, milestone).await.to_string();
    browser
        .post_multipart(
            &format!("/milestones/{milestone}/updates"),
            &[
                ("status", status),
                ("progress", progress),
                ("narrative", "Report published"),
                ("evidence", ""),
                ("version", version.as_str()),
            ],
            files,
        )
        .await
}

#[tokio::test]
async fn files_are_checked_by_content_kept_and_served_without_running() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let open = open_demo_milestone(&t.db).await;
    let mut poc = signed_in_poc(&t.db, &router, "files@xaa.example", &open.lead).await;

    // Refused, each with nothing written.
    let too_big = vec![b'a'; 10 * 1024 * 1024 + 1];
    let many: Vec<FilePart> = (0..11).map(|_| ("files", "r.pdf", PDF)).collect();
    let refusals: Vec<(&str, Vec<FilePart>)> = vec![
        (
            "HTML named .pdf",
            vec![(
                "files",
                "report.pdf",
                b"<!DOCTYPE html><script>alert(1)</script>",
            )],
        ),
        (
            "an HTML page",
            vec![("files", "page.html", b"<html><body>x</body></html>")],
        ),
        (
            "an SVG with script",
            vec![(
                "files",
                "logo.svg",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            )],
        ),
        ("zero bytes", vec![("files", "empty.pdf", b"")]),
        ("over 10 MB", vec![("files", "big.csv", too_big.as_slice())]),
        ("eleven files", many),
    ];
    for (what, files) in refusals {
        let before = written(&t.db, open.id).await;
        let answer = post(&mut poc, &t.db, open.id, "in_progress", "40", &files).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert!(
            answer.body.contains("aria-invalid=\"true\""),
            "{what}: the field is marked"
        );
        assert_eq!(
            written(&t.db, open.id).await,
            before,
            "{what}: nothing written"
        );
    }

    // Completion with a file and no link: the file is the evidence. A path is cut off.
    let answer = post(
        &mut poc,
        &t.db,
        open.id,
        "completed",
        "100",
        &[
            ("files", "C:\\Users\\ana\\Informe final.pdf", PDF),
            ("files", "../data.csv", b"year,amount\n2025,100\n"),
            ("files", "photo.png", PNG),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let stored: Vec<(i64, String, String, i64)> = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT f.id, f.file_name, f.media_type, f.size_bytes FROM evidence_files f
         JOIN progress_updates u ON u.id = f.update_id WHERE u.milestone_id = $1 ORDER BY f.id"
    )
    .bind(open.id)
    .fetch_all(pool)
    .await
    .unwrap());
    assert_eq!(stored.len(), 3);
    assert_eq!(
        (stored[0].1.as_str(), stored[0].2.as_str(), stored[0].3),
        ("Informe final.pdf", "application/pdf", PDF.len() as i64)
    );
    assert_eq!(stored[1].1, "data.csv");

    // Listed on the commitment page, served with the right headers.
    let page = poc.get(&format!("/commitments/{}", open.code)).await;
    assert!(page
        .body
        .contains(&format!("data-file=\"{}\"", stored[0].0)));
    let mut visitor = Browser::new(&router);
    let (status, headers, body) = visitor
        .get_bytes(&format!("/files/{}/Informe_final.pdf", stored[0].0))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, PDF);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;"),
        "a PDF is downloaded: browsers do not show it under the sandboxing policy"
    );
    let (_, headers, _) = visitor
        .get_bytes(&format!("/files/{}/data.csv", stored[1].0))
        .await;
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;"),
        "a CSV file is downloaded, never shown"
    );
    let (_, headers, _) = visitor
        .get_bytes(&format!("/files/{}/photo.png", stored[2].0))
        .await;
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("inline;"),
        "an image is shown"
    );
    let (status, _, _) = visitor.get_bytes("/files/999999/x.pdf").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_correction_is_a_new_update_that_names_the_one_it_corrects() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let open = open_demo_milestone(&t.db).await;
    let mut poc = signed_in_poc(&t.db, &router, "fix@xaa.example", &open.lead).await;
    let answer = post(&mut poc, &t.db, open.id, "in_progress", "60", &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let first: i64 = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT MAX(id) FROM progress_updates WHERE milestone_id = $1"
    )
    .bind(open.id)
    .fetch_one(pool)
    .await
    .unwrap());
    let form = poc
        .get(&format!("/milestones/{}/updates?corrects={first}", open.id))
        .await;
    assert!(form.body.contains("data-correcting=\"true\""));
    assert!(form
        .body
        .contains(&format!("name=\"corrects\" value=\"{first}\"")));

    // An update of another milestone cannot be named.
    let other: i64 = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT MIN(id) FROM progress_updates WHERE milestone_id <> $1"
    )
    .bind(open.id)
    .fetch_one(pool)
    .await
    .unwrap());
    let correct = |corrects: i64| {
        let corrects = corrects.to_string();
        let db = t.db.clone();
        let id = open.id;
        let mut browser = poc.clone();
        async move {
            let version = milestone_version(&db, id).await.to_string();
            browser
                .post(
                    &format!("/milestones/{id}/updates"),
                    &[
                        ("status", "in_progress"),
                        ("progress", "40"),
                        ("narrative", "It was 40%, not 60%."),
                        ("version", version.as_str()),
                        ("corrects", corrects.as_str()),
                    ],
                )
                .await
        }
    };
    let before = written(&t.db, open.id).await;
    let refused = correct(other).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(written(&t.db, open.id).await, before);
    let accepted = correct(first).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let (narrative, corrects): (String, Option<i64>) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT narrative, corrects_id FROM progress_updates WHERE milestone_id = $1
         ORDER BY id DESC LIMIT 1"
    )
    .bind(open.id)
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(
        (narrative.as_str(), corrects),
        ("It was 40%, not 60%.", Some(first))
    );
    let kept: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT narrative FROM progress_updates WHERE id = $1"
    )
    .bind(first)
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(
        kept, "Report published",
        "the corrected update is kept as it was"
    );
    let page = poc.get(&format!("/milestones/{}/updates", open.id)).await;
    assert!(page.body.contains(&format!("data-corrects=\"{first}\"")));
    assert!(page.body.contains("data-corrected=\"true\""));
}
