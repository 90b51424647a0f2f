//! The dashboards on a small data set whose every figure is known: each chart of each
//! scope, the most overdue commitments, the page's tables and the CSV behind each chart.

use crate::browser::test_router;
use crate::common::*;
use crate::http::get;
use crate::storage::{commitment, member, milestone, plan};
use app::domain::*;
use app::storage::{self, NewProgressUpdate};
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, TimeZone, Utc};

fn completion(level: Completion) -> ScoreValue {
    ScoreValue::Rated(Rating::Completion(level))
}

fn assessment(source: AssessmentSource, scale: ScaleSet, value: ScoreValue) -> Assessment {
    Assessment {
        source,
        assessor: format!("{} reviewer", source.as_str()),
        stage: Stage::EndOfTerm,
        scale,
        scores: vec![Score {
            indicator: Indicator::Completion,
            value,
            justification: None,
            evidence: Vec::new(),
        }],
    }
}

/// Spain (ES0001, ES0002 in AP_ESP04) and France (FR0001 in AP_FRA02); milestones due
/// around `today`, updates in and out of the last twelve months, end-of-term completion
/// scored by the IRM, the government and civil society.
async fn known_data(db: &storage::Db, today: NaiveDate) {
    let ago = |days: i64| (today - Duration::days(days)).to_string();
    let mut tx = db.begin().await.unwrap();
    let spain = storage::insert_member(&mut tx, &member("ESP", "Spain", Region::Europe), false)
        .await
        .unwrap();
    let france = storage::insert_member(&mut tx, &member("FRA", "France", Region::Europe), false)
        .await
        .unwrap();
    let esp = storage::insert_plan(&mut tx, &plan("ESP", 4), spain)
        .await
        .unwrap();
    let fra = storage::insert_plan(&mut tx, &plan("FRA", 2), france)
        .await
        .unwrap();
    let mut ids = Vec::new();
    // Spain's commitments claim access to information, are tagged Open Contracting and led
    // by the Ministry of Finance; France's none of these.
    let mut french = commitment("FR0001", "AP_FRA02", "1");
    french.values = vec![OgpValue::CivicParticipation];
    french.policy_areas = vec!["Open Justice".into()];
    french.lead_institution = Some("Ministère de la Justice".into());
    for (new, plan_id) in [
        (commitment("ES0001", "AP_ESP04", "1"), esp),
        (commitment("ES0002", "AP_ESP04", "2"), esp),
        (french, fra),
    ] {
        ids.push(
            storage::insert_commitment(&mut tx, &new, plan_id, &[])
                .await
                .unwrap(),
        );
    }
    let mut no_end = milestone(7, MilestoneStatus::InProgress, 10, 1.0, "2000-01-01");
    no_end.planned_end = None;
    let milestones = [
        (
            ids[0],
            milestone(1, MilestoneStatus::Completed, 100, 1.0, &ago(400)),
        ),
        (
            ids[0],
            milestone(2, MilestoneStatus::InProgress, 50, 1.0, &ago(10)),
        ),
        (
            ids[0],
            milestone(3, MilestoneStatus::InProgress, 20, 1.0, &ago(-100)),
        ),
        (
            ids[0],
            milestone(4, MilestoneStatus::Withdrawn, 0, 1.0, &ago(30)),
        ),
        (
            ids[1],
            milestone(5, MilestoneStatus::NotStarted, 0, 1.0, &ago(100)),
        ),
        (
            ids[1],
            milestone(6, MilestoneStatus::Delayed, 30, 1.0, &ago(5)),
        ),
        (ids[1], no_end),
        (
            ids[2],
            milestone(8, MilestoneStatus::InProgress, 10, 1.0, &ago(1)),
        ),
        (
            ids[2],
            milestone(9, MilestoneStatus::Completed, 100, 1.0, &ago(50)),
        ),
    ];
    let mut milestone_ids = Vec::new();
    for (commitment_id, new) in &milestones {
        milestone_ids.push(
            storage::insert_milestone(&mut tx, *commitment_id, new)
                .await
                .unwrap(),
        );
    }
    let months = last_twelve_months(today);
    let noon = |month: NaiveDate| Utc.from_utc_datetime(&month.and_hms_opt(12, 0, 0).unwrap());
    let thirteen_months_ago = months[0] - chrono::Months::new(1);
    for (milestone_id, at) in [
        (milestone_ids[0], noon(months[11])),
        (milestone_ids[0], noon(months[9])),
        (milestone_ids[0], noon(thirteen_months_ago)),
        (milestone_ids[7], noon(months[11])),
    ] {
        storage::insert_progress_update(
            &mut tx,
            milestone_id,
            &NewProgressUpdate {
                author: PublicActor::default(),
                author_id: None,
                created_at: at,
                status: MilestoneStatus::InProgress,
                progress: 10,
                narrative: "Step taken".into(),
                evidence: Vec::new(),
                files: Vec::new(),
                corrects: None,
            },
        )
        .await
        .unwrap();
    }
    use AssessmentSource::{CivilSociety, Government, Irm};
    let at = Utc::now();
    for (commitment_id, source, scale, value) in [
        (
            ids[0],
            Irm,
            ScaleSet::Classic,
            completion(Completion::Complete),
        ),
        (
            ids[0],
            Government,
            ScaleSet::Classic,
            completion(Completion::Complete),
        ),
        (
            ids[1],
            Irm,
            ScaleSet::Refreshed,
            completion(Completion::Limited),
        ),
        (
            ids[1],
            Government,
            ScaleSet::Refreshed,
            completion(Completion::Substantial),
        ),
        (
            ids[1],
            CivilSociety,
            ScaleSet::Refreshed,
            completion(Completion::NotStarted),
        ),
        (
            ids[2],
            Irm,
            ScaleSet::Refreshed,
            ScoreValue::Missing(MissingCode::NotReviewed),
        ),
    ] {
        storage::save_assessment(
            &mut tx,
            commitment_id,
            &assessment(source, scale, value),
            at,
            true,
        )
        .await
        .unwrap()
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// A chart's figures by bar key, the bars with a figure only.
fn figures(dashboard: &Dashboard, id: ChartId) -> Vec<(String, i64)> {
    dashboard
        .chart(id)
        .unwrap()
        .bars
        .iter()
        .filter(|b| b.value != 0)
        .map(|b| (b.key.clone(), b.value))
        .collect()
}

/// Every bar's key and figure, chart by chart (their links name each scope).
fn every_figure(dashboard: &Dashboard) -> Vec<(ChartId, Vec<(String, i64)>)> {
    dashboard
        .charts
        .iter()
        .map(|c| {
            let bars = c.every_bar().map(|(g, b)| (bar_key(g, b), b.value));
            (c.id, bars.collect())
        })
        .collect()
}

fn pairs(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[tokio::test]
async fn every_figure_of_every_dashboard_is_what_the_data_says() {
    let t = test_db().await;
    let today = Utc::now().date_naive();
    known_data(&t.db, today).await;
    let this_month = today.format("%Y-%m").to_string();
    let two_months_ago = last_twelve_months(today)[9].format("%Y-%m").to_string();
    let spain = Scope::Member("spain".into());
    let esp04 = Scope::Plan("AP_ESP04".into());
    // Scopes of whole plans count completion from the counts kept per plan; the others
    // from the scores: both must find the same.
    let access = Scope::Value(OgpValue::AccessToInformation);
    let contracting = Scope::PolicyArea("open-contracting".into());
    let finance = Scope::Institution("Ministry of Finance".into());
    for scope in [&spain, &esp04, &access, &contracting, &finance] {
        let dashboard = storage::whole_dashboard(&t.db, scope, today)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(dashboard.as_of, today);
        assert_eq!(
            figures(&dashboard, ChartId::Milestones),
            pairs(&[
                ("completed", 1),
                ("on_time", 2),
                ("overdue", 3),
                ("withdrawn", 1)
            ]),
            "{scope:?}"
        );
        assert_eq!(
            figures(&dashboard, ChartId::Completion),
            pairs(&[("limited", 1), ("complete", 1)])
        );
        assert_eq!(
            figures(&dashboard, ChartId::SelfAssessmentGap),
            pairs(&[("government_higher", 2), ("same", 1)])
        );
        assert_eq!(
            figures(&dashboard, ChartId::UpdatesPerMonth),
            vec![(two_months_ago.clone(), 1), (this_month.clone(), 1)]
        );
        assert_eq!(
            dashboard
                .chart(ChartId::UpdatesPerMonth)
                .unwrap()
                .bars
                .len(),
            12
        );
        let overdue: Vec<(&str, i64, NaiveDate)> = dashboard
            .most_overdue
            .iter()
            .map(|c| (c.code.as_str(), c.overdue_milestones, c.overdue_since))
            .collect();
        assert_eq!(
            overdue,
            [
                ("ES0002", 2, today - Duration::days(100)),
                ("ES0001", 1, today - Duration::days(10))
            ]
        );
    }
    let all = storage::whole_dashboard(&t.db, &Scope::All, today)
        .await
        .unwrap()
        .unwrap();
    let europe = storage::whole_dashboard(&t.db, &Scope::Region(Region::Europe), today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        every_figure(&europe),
        every_figure(&all),
        "every member here is in Europe"
    );
    assert_eq!(europe.most_overdue, all.most_overdue);
    let americas = storage::whole_dashboard(&t.db, &Scope::Region(Region::Americas), today)
        .await
        .unwrap()
        .unwrap();
    assert!(americas.charts.iter().all(|c| c.total() == 0) && americas.most_overdue.is_empty());
    let civic = storage::whole_dashboard(&t.db, &Scope::Value(OgpValue::CivicParticipation), today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        figures(&civic, ChartId::Milestones),
        pairs(&[("completed", 1), ("overdue", 1)])
    );
    assert_eq!(figures(&civic, ChartId::Completion), pairs(&[("NR", 1)]));
    assert_eq!(figures(&civic, ChartId::SelfAssessmentGap), pairs(&[]));
    assert_eq!(
        figures(&all, ChartId::Milestones),
        pairs(&[
            ("completed", 2),
            ("on_time", 2),
            ("overdue", 4),
            ("withdrawn", 1)
        ])
    );
    assert_eq!(
        figures(&all, ChartId::Completion),
        pairs(&[("limited", 1), ("complete", 1), ("NR", 1)])
    );
    assert_eq!(
        figures(&all, ChartId::SelfAssessmentGap),
        pairs(&[("government_higher", 2), ("same", 1)])
    );
    assert_eq!(
        figures(&all, ChartId::UpdatesPerMonth),
        vec![(two_months_ago.clone(), 1), (this_month.clone(), 2)]
    );
    let codes: Vec<&str> = all.most_overdue.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(
        codes,
        ["ES0002", "ES0001", "FR0001"],
        "most, then longest overdue"
    );
    // The gap's and the months' bars list the commitments behind them: Spain's ES0002
    // (the government higher than the IRM and than civil society: two pairs) and ES0001
    // (the same as the IRM); this month's two updates are ES0001's and FR0001's.
    for (chart, key, listed) in [
        (
            ChartId::SelfAssessmentGap,
            "government_higher",
            vec!["ES0002"],
        ),
        (ChartId::SelfAssessmentGap, "same", vec!["ES0001"]),
        (ChartId::SelfAssessmentGap, "government_lower", vec![]),
        (
            ChartId::UpdatesPerMonth,
            this_month.as_str(),
            vec!["ES0001", "FR0001"],
        ),
        (
            ChartId::UpdatesPerMonth,
            two_months_ago.as_str(),
            vec!["ES0001"],
        ),
        (
            ChartId::UpdatesPerMonth,
            last_twelve_months(today)[5]
                .format("%Y-%m")
                .to_string()
                .as_str(),
            vec![],
        ),
    ] {
        let bar = all
            .chart(chart)
            .unwrap()
            .bars
            .iter()
            .find(|b| b.key == key)
            .unwrap();
        assert_eq!(
            listed_by(&t.db, bar.href.as_deref().unwrap()).await,
            listed,
            "{key}"
        );
    }
    let months = all.chart(ChartId::UpdatesPerMonth).unwrap();
    assert_eq!(
        months.bars.last().unwrap().href.as_deref(),
        Some(format!("/search?updated={this_month}").as_str())
    );
    // An update older than the chart's twelve months is listed by its month all the same.
    let thirteen_months_ago = (last_twelve_months(today)[0] - chrono::Months::new(1))
        .format("%Y-%m")
        .to_string();
    assert_eq!(
        listed_by(&t.db, &format!("/search?updated={thirteen_months_ago}")).await,
        ["ES0001"]
    );
    assert_eq!(
        listed_by(&t.db, "/search?region=europe&gap=government_higher").await,
        ["ES0002"]
    );
    // Tomorrow, France's milestone due yesterday is still overdue and Spain's due in 100
    // days is not yet: the day decides, not the stored status.
    let later = storage::whole_dashboard(&t.db, &spain, today + Duration::days(101))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        figures(&later, ChartId::Milestones),
        pairs(&[
            ("completed", 1),
            ("on_time", 1),
            ("overdue", 4),
            ("withdrawn", 1)
        ])
    );
    // A commitment's dashboard counts that commitment alone.
    let es0001 = storage::whole_dashboard(&t.db, &Scope::Commitment("ES0001".into()), today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        figures(&es0001, ChartId::Milestones),
        pairs(&[
            ("completed", 1),
            ("on_time", 1),
            ("overdue", 1),
            ("withdrawn", 1)
        ])
    );
    assert_eq!(
        figures(&es0001, ChartId::SelfAssessmentGap),
        pairs(&[("same", 1)])
    );
    for nothing in [
        Scope::Commitment("XX0001".into()),
        Scope::Member("nowhere".into()),
        Scope::Plan("AP_XXX01".into()),
        Scope::PolicyArea("nowhere".into()),
        Scope::Institution("Nobody".into()),
    ] {
        assert!(storage::whole_dashboard(&t.db, &nothing, today)
            .await
            .unwrap()
            .is_none());
    }
}

/// The codes of the commitments a search address lists.
async fn listed_by(db: &storage::Db, href: &str) -> Vec<String> {
    let query = href.strip_prefix("/search?").unwrap();
    let pairs: Vec<(&str, &str)> = query
        .split('&')
        .map(|pair| pair.split_once('=').unwrap())
        .collect();
    let request = app::domain::search::SearchRequest::from_pairs(pairs).unwrap();
    let found = storage::search(db, &request, Utc::now().date_naive())
        .await
        .unwrap();
    found.hits.into_iter().map(|h| h.code).collect()
}

/// A bar's key with its group's (`group/key`) where it has one.
fn bar_key(group: Option<&BarGroup>, bar: &Bar) -> String {
    match group {
        Some(group) => format!("{}/{}", group.key, bar.key),
        None => bar.key.clone(),
    }
}

/// The value of the attribute `name` in `text`, the first one.
fn attribute<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let start = text.find(&format!(" {name}=\""))? + name.len() + 3;
    text[start..].split('"').next()
}

/// The figures of the table behind a chart on a page, by row key (`group/key` in a
/// grouped chart's).
fn table(page: &str, chart: &str) -> Vec<(String, i64)> {
    let start = page
        .find(&format!("<table data-chart-table=\"{chart}\""))
        .unwrap_or_else(|| panic!("no table of {chart}"));
    let table = &page[start..start + page[start..].find("</table>").unwrap()];
    table
        .split("<tr data-")
        .skip(1)
        .map(|row| {
            let row = format!(" data-{row}");
            let row = row.as_str();
            let tag = &row[..row.find('>').unwrap()];
            let key = attribute(tag, "data-key").unwrap();
            let key = match attribute(tag, "data-group") {
                Some(group) => format!("{group}/{key}"),
                None => key.to_string(),
            };
            let value = row
                .split("data-value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            (key, value)
        })
        .collect()
}

#[tokio::test]
async fn pages_draw_tables_and_csv_files_of_the_same_figures() {
    let t = test_db().await;
    let today = Utc::now().date_naive();
    known_data(&t.db, today).await;
    let router = test_router(&t.db);
    for (page, scope) in [
        ("/", Scope::All),
        ("/members/spain", Scope::Member("spain".into())),
        ("/plans/AP_ESP04", Scope::Plan("AP_ESP04".into())),
    ] {
        let (status, _, body) = get(&router, &format!("{page}?lang=es"), &[]).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        // Every chart the page draws, the results charts counted from the facts too.
        let dashboard = storage::whole_dashboard(&t.db, &scope, today)
            .await
            .unwrap()
            .unwrap();
        for chart in &dashboard.charts {
            let id = chart.id.as_str();
            let expected: Vec<(String, i64)> = chart
                .every_bar()
                .map(|(g, b)| (bar_key(g, b), b.value))
                .collect();
            assert_eq!(table(&body, id), expected, "{page} {id}");
            assert!(
                body.contains(&format!(
                    "data-chart=\"{id}\" data-total=\"{}\"",
                    chart.total()
                )),
                "{page} {id}"
            );
            if chart.total() > 0 {
                // Drawn, with an accessible name and every figure.
                let svg_start = body
                    .find(&format!("aria-labelledby=\"chart-{id}-title"))
                    .unwrap();
                let svg = &body[svg_start..svg_start + body[svg_start..].find("</svg>").unwrap()];
                for (group, bar) in chart.every_bar() {
                    // Stacked bars draw no part for nothing.
                    if bar.value == 0 && group.is_some() {
                        continue;
                    }
                    let group =
                        group.map_or(String::new(), |g| format!("data-group=\"{}\" ", g.key));
                    assert!(
                        svg.contains(&format!(
                            "{group}data-key=\"{}\" data-value=\"{}\"",
                            bar.key, bar.value
                        )),
                        "{page} {id} {group}{}",
                        bar.key
                    );
                }
            }
            let csv_path = chart.id.csv_path(page);
            assert!(
                body.contains(&format!("href=\"{csv_path}\"")),
                "{page} links {csv_path}"
            );
            let (status, headers, csv) = get(&router, &format!("{csv_path}?lang=es"), &[]).await;
            assert_eq!(status, StatusCode::OK, "{csv_path}");
            assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
            let grouped = csv.starts_with("group,group_label,key,label,count\r\n");
            assert!(grouped || csv.starts_with("key,label,count\r\n"), "{csv}");
            let rows: Vec<Vec<&str>> = csv
                .lines()
                .skip(1)
                .map(|l| l.split(',').collect())
                .collect();
            let from_csv: Vec<(String, i64)> = rows
                .iter()
                .map(|r| {
                    let key = if grouped {
                        format!("{}/{}", r[0], r[2])
                    } else {
                        r[0].to_string()
                    };
                    (key, r[r.len() - 1].parse().unwrap())
                })
                .collect();
            assert_eq!(from_csv, expected, "{csv_path}");
            assert_eq!(from_csv.iter().map(|r| r.1).sum::<i64>(), chart.total());
            if id == "milestones" {
                assert!(
                    csv.contains("overdue,Vencido,"),
                    "labels in the reader's language: {csv}"
                );
            }
        }
        for row in dashboard.most_overdue {
            assert!(body.contains(&format!(
                "data-commitment=\"{}\" data-overdue=\"{}\"",
                row.code, row.overdue_milestones
            )));
        }
    }
    for path in [
        "/charts/nothing.csv",
        "/charts/milestones",
        "/members/nowhere/charts/milestones.csv",
    ] {
        let (status, _, _) = get(&router, path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn explore_leads_to_each_scope_page_with_its_own_commitments() {
    let t = test_db().await;
    let today = Utc::now().date_naive();
    known_data(&t.db, today).await;
    let router = test_router(&t.db);
    let (status, _, explore) = get(&router, "/explore", &[]).await;
    assert_eq!(status, StatusCode::OK);
    for (href, count) in [
        ("/regions/europe", 3),
        ("/values/access_to_information", 2),
        ("/values/civic_participation", 1),
        ("/policy-areas/open-contracting", 2),
        ("/policy-areas/open-justice", 1),
        ("/institutions/Ministry%20of%20Finance", 2),
        ("/institutions/Minist%C3%A8re%20de%20la%20Justice", 1),
    ] {
        let at = explore
            .find(&format!("href=\"{href}\""))
            .unwrap_or_else(|| panic!("/explore links {href}"));
        assert!(
            explore[at..].contains(&format!("data-count=\"{count}\"")),
            "{href}: {count}"
        );
        let (status, _, page) = get(&router, href, &[]).await;
        assert_eq!(status, StatusCode::OK, "{href}");
        assert!(page.contains(&format!("data-total=\"{count}\"")), "{href}");
        let listed = page.matches("<tr data-commitment=").count();
        assert_eq!(listed, count, "{href}");
        assert!(
            page.contains("data-chart=\"milestones\""),
            "{href} has its dashboard"
        );
        // Its charts' figures download beside it.
        let (status, _, csv) = get(&router, &format!("{href}/charts/milestones.csv"), &[]).await;
        assert_eq!(status, StatusCode::OK, "{href}");
        let sum: i64 = csv
            .lines()
            .skip(1)
            .map(|l| l.rsplit(',').next().unwrap().parse::<i64>().unwrap())
            .sum();
        assert!(
            page.contains(&format!("data-chart=\"milestones\" data-total=\"{sum}\"")),
            "{href}: {csv}"
        );
    }
    // Members ranked by their results in the region: Spain has one of two commitments
    // complete by the IRM at the end of term, France none of one.
    let (_, _, europe) = get(&router, "/regions/europe", &[]).await;
    let spain = europe
        .find("data-member=\"spain\" data-high=\"1\" data-strong=\"0\"")
        .expect("Spain ranked");
    let france = europe
        .find("data-member=\"france\" data-high=\"0\" data-strong=\"0\"")
        .expect("France ranked");
    assert!(spain < france);
    // A single member is not ranked.
    let (_, _, justice) = get(&router, "/policy-areas/open-justice", &[]).await;
    assert!(!justice.contains("data-ranking"));
    let (status, _, _) = get(&router, "/regions/atlantis/charts/milestones.csv", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A commitment's feed answers to its code in any case, as its page does.
    let (status, _, feed) = get(&router, "/commitments/fr0001/assessments.atom", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(feed.contains("FR0001"));
    let (_, _, justice) = get(&router, "/policy-areas/open-justice", &[]).await;
    assert!(
        justice.contains("data-commitment=\"FR0001\"")
            && !justice.contains("data-commitment=\"ES0001\"")
    );
    for nothing in [
        "/regions/atlantis",
        "/values/secrecy",
        "/policy-areas/nowhere",
        "/institutions/Nobody",
    ] {
        let (status, _, _) = get(&router, nothing, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{nothing}");
    }
    // A commitment's page leads to its value's, policy area's and institution's pages, and a
    // member's to its region's.
    let (_, _, page) = get(&router, "/commitments/FR0001", &[]).await;
    for href in [
        "/values/civic_participation",
        "/policy-areas/open-justice",
        "/institutions/Minist%C3%A8re%20de%20la%20Justice",
    ] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href}");
    }
    let (_, _, page) = get(&router, "/members/france", &[]).await;
    assert!(page.contains("href=\"/regions/europe\""));
}

#[tokio::test]
async fn a_kept_dashboard_is_the_one_worked_out_and_a_write_makes_it_again() {
    let t = test_db().await;
    let today = Utc::now().date_naive();
    known_data(&t.db, today).await;
    let spain = Scope::Member("spain".into());
    let fresh = || async {
        storage::whole_dashboard(&t.db, &spain, today)
            .await
            .unwrap()
    };
    let kept = storage::kept_dashboard(&t.db, &Default::default(), &spain, today)
        .await
        .unwrap();
    assert_eq!(kept, fresh().await);
    assert_eq!(
        storage::kept_dashboard(&t.db, &Default::default(), &spain, today)
            .await
            .unwrap(),
        kept,
        "read again before any write"
    );
    // A write (one more completed milestone) changes the site's version: the next read
    // works the dashboard out again.
    let es0001 = scalar(&t.db, "SELECT id FROM commitments WHERE code = 'ES0001'").await;
    let mut tx = t.db.begin().await.unwrap();
    storage::insert_milestone(
        &mut tx,
        es0001,
        &milestone(10, MilestoneStatus::Completed, 100, 1.0, "2024-01-31"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let after = storage::kept_dashboard(&t.db, &Default::default(), &spain, today)
        .await
        .unwrap();
    assert_eq!(after, fresh().await);
    assert_eq!(
        figures(after.as_ref().unwrap(), ChartId::Milestones)[0],
        ("completed".to_string(), 2)
    );
    // A scope's page likewise.
    let europe = Scope::Region(Region::Europe);
    let page = || async {
        storage::scope_page(&mut conn(&t.db).await, &europe, today, 50, 0)
            .await
            .unwrap()
    };
    let kept_page = storage::kept_scope_page(&t.db, &Default::default(), &europe, today, 50, 0)
        .await
        .unwrap();
    assert_eq!(kept_page, page().await);
    assert_eq!(kept_page.as_ref().unwrap().total_commitments, 3);
    let plan = scalar(
        &t.db,
        "SELECT id FROM action_plans WHERE plan_key = 'AP_FRA02'",
    )
    .await;
    let mut tx = t.db.begin().await.unwrap();
    storage::insert_commitment(&mut tx, &commitment("FR0002", "AP_FRA02", "2"), plan, &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let kept_page = storage::kept_scope_page(&t.db, &Default::default(), &europe, today, 50, 0)
        .await
        .unwrap();
    assert_eq!(kept_page.as_ref().unwrap().total_commitments, 4);
    assert_eq!(kept_page, page().await);
    // Tomorrow is another day: overdue counts against it.
    let tomorrow = today + Duration::days(1);
    let next_day = storage::kept_dashboard(&t.db, &Default::default(), &spain, tomorrow)
        .await
        .unwrap();
    assert_eq!(next_day.unwrap().as_of, tomorrow);
}

/// A member with its plans, a plan's first page and scores summaries, as rendered pages read
/// them, are kept until the next write; then read again. Made-up addresses find nothing.
#[tokio::test]
async fn kept_members_plans_and_scores_are_those_read_and_a_write_reads_them_again() {
    let t = test_db().await;
    let today = Utc::now().date_naive();
    known_data(&t.db, today).await;
    let read = || async {
        let mut conn = conn(&t.db).await;
        let member = storage::member_by_slug(&mut conn, "spain")
            .await
            .unwrap()
            .unwrap();
        let plans = storage::plans_of_member(&mut conn, "ESP", today)
            .await
            .unwrap();
        let plan = storage::plan_detail(&mut conn, "AP_ESP04", today, 50, 0)
            .await
            .unwrap();
        let scores = storage::scores_summary(&mut conn, storage::ScoresOf::Member("spain"))
            .await
            .unwrap();
        (Some((member, plans)), plan, scores)
    };
    let kept = || async {
        let at = storage::ReadAt::default();
        let member = storage::kept_member_with_plans(&t.db, &at, "spain", today)
            .await
            .unwrap();
        let plan = storage::kept_plan_detail(&t.db, &at, "AP_ESP04", today, 50, 0)
            .await
            .unwrap();
        let of = storage::ScoresOf::Member("spain");
        let scores = storage::kept_scores_summary(&t.db, &at, of, today)
            .await
            .unwrap();
        (member, plan, scores)
    };
    let first = kept().await;
    assert_eq!(first, read().await);
    assert!(
        first.2.assessed > 0,
        "the known data assess Spain's commitments"
    );
    assert_eq!(kept().await, first, "read again before any write");
    // A write (one more commitment in Spain's plan) changes the site's version.
    let plan = scalar(
        &t.db,
        "SELECT id FROM action_plans WHERE plan_key = 'AP_ESP04'",
    )
    .await;
    let mut tx = t.db.begin().await.unwrap();
    storage::insert_commitment(&mut tx, &commitment("ES0009", "AP_ESP04", "9"), plan, &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let after = kept().await;
    assert_eq!(after, read().await);
    let count = |found: &(Option<(Member, Vec<PlanSummary>)>, _, _)| {
        found.0.as_ref().unwrap().1[0].commitments
    };
    assert_eq!(count(&after), count(&first) + 1);
    // A reader who read the version before a write, coming after those who read past it,
    // finds what is kept newer than its version: it reads the database and keeps nothing,
    // and the readers after it still find what the write made.
    let before_write = storage::ReadAt::default();
    before_write.version(&t.db).await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    storage::insert_commitment(&mut tx, &commitment("ES0010", "AP_ESP04", "10"), plan, &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let now = kept().await;
    assert_eq!(now, read().await);
    let total = |plan: &Option<PlanDetail>| plan.as_ref().unwrap().total_commitments;
    assert_eq!(total(&now.1), total(&after.1) + 1);
    let late = storage::kept_plan_detail(&t.db, &before_write, "AP_ESP04", today, 50, 0)
        .await
        .unwrap();
    assert_eq!(late, now.1);
    assert_eq!(kept().await, now);
    let at = storage::ReadAt::default();
    for _ in 0..2 {
        let none = storage::kept_member_with_plans(&t.db, &at, "atlantis", today).await;
        assert_eq!(none.unwrap(), None);
        let none = storage::kept_plan_detail(&t.db, &at, "AP_ATL01", today, 50, 0).await;
        assert_eq!(none.unwrap(), None);
    }
}

/// `/explore` shows the dashboard its filter chose (the installation's by default), each
/// chart's CSV beside the chosen scope's own page; an address naming no dashboard is refused.
#[tokio::test]
async fn the_explorer_shows_the_dashboard_its_filter_chose() {
    let t = test_db().await;
    let today = Utc::now().date_naive();
    known_data(&t.db, today).await;
    let router = test_router(&t.db);
    for (chosen, scope) in [
        (None, Scope::All),
        (Some("/regions/europe"), Scope::Region(Region::Europe)),
        (
            Some("/values/civic_participation"),
            Scope::Value(OgpValue::CivicParticipation),
        ),
    ] {
        let address = chosen.map_or("/explore".to_string(), |c| {
            format!("/explore?dashboard={c}")
        });
        let (status, _, body) = get(&router, &address, &[]).await;
        assert_eq!(status, StatusCode::OK, "{address}");
        let expected = storage::whole_dashboard(&t.db, &scope, today)
            .await
            .unwrap()
            .unwrap();
        for chart in &expected.charts {
            let id = chart.id.as_str();
            assert!(
                body.contains(&format!(
                    "data-chart=\"{id}\" data-total=\"{}\"",
                    chart.total()
                )),
                "{address} {id}"
            );
            assert!(body.contains(&format!(
                "href=\"{}\"",
                chart.id.csv_path(&scope.page_path())
            )));
        }
        // The filter says which is shown.
        let selected = format!("<option value=\"{}\" selected", chosen.unwrap_or("/"));
        assert!(body.contains(&selected), "{address}: {selected}");
        assert_eq!(body.matches(" selected").count(), 1, "{address}");
    }
    // The pages of the scopes it lists link to it; the others, and itself, do not.
    for (page, link) in [
        ("/", Some("/explore?dashboard=/")),
        (
            "/regions/europe",
            Some("/explore?dashboard=/regions/europe"),
        ),
        ("/members/spain", None),
        ("/explore", None),
    ] {
        let (_, _, body) = get(&router, page, &[]).await;
        match link {
            Some(link) => assert!(
                body.contains(&format!("<a href=\"{link}\" data-explorer")),
                "{page}"
            ),
            None => assert!(!body.contains("data-explorer"), "{page}"),
        }
    }
    for refused in [
        "/plans/AP_ESP04",
        "/regions/atlantis",
        "/regions/../admin",
        "/policy-areas/no-such-area",
        "nowhere",
    ] {
        let (status, _, body) = get(&router, &format!("/explore?dashboard={refused}"), &[]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert!(body.contains("data-error=\"dashboard\""), "{refused}");
    }
}
