//! Charts drawn by the server as SVG, so they show without JavaScript: each with an
//! accessible name and a description listing its figures, every bar labelled with its
//! category and its figure (colour never carries the meaning alone), a table of the same
//! figures one click away, and a CSV of exactly those figures. In a right-to-left language
//! bars grow from the right and months run from right to left.

use crate::domain::{BarLabel, Chart};
use crate::i18n::{format_count, t, t_with, use_lang, Key};
use crate::xml::text as xml;
use leptos::prelude::*;

/// A bar's label in the page's language.
pub fn bar_label(label: &BarLabel) -> String {
    match label {
        BarLabel::Key(key) => t(*key).to_string(),
        BarLabel::Text(text) => text.clone(),
    }
}

/// The chart's figures as text: the SVG's description, and its tooltip per bar.
fn figure_text(label: &str, value: i64) -> String {
    format!("{label}: {}", format_count(value))
}

const WIDTH: f64 = 640.0;

/// The chart as an SVG document fragment, `id` naming its title and description, its
/// layout mirrored when `rtl`.
pub fn svg(chart: &Chart, id: &str, title: &str, rtl: bool) -> String {
    let labels: Vec<String> = chart.bars.iter().map(|b| bar_label(&b.label)).collect();
    let description = chart
        .bars
        .iter()
        .zip(&labels)
        .map(|(bar, label)| figure_text(label, bar.value))
        .collect::<Vec<_>>()
        .join("; ");
    let (height, body) = if chart.id.is_timeline() {
        columns(chart, &labels, rtl)
    } else {
        bars(chart, &labels, rtl)
    };
    // Anchors are given in physical terms (`direction="ltr"`); each text is still laid out
    // in its own direction.
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" \
         direction=\"ltr\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart-svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{body}</svg>",
        xml(title),
        xml(&description),
    )
}

/// Horizontal bars: the category on the reading side, then the bar, then its figure.
fn bars(chart: &Chart, labels: &[String], rtl: bool) -> (f64, String) {
    const LABEL: f64 = 250.0;
    const FIGURE: f64 = 60.0;
    const ROW: f64 = 30.0;
    const BAR: f64 = 20.0;
    let area = WIDTH - LABEL - FIGURE;
    let max = chart.max().max(1) as f64;
    let mut out = String::new();
    for (i, (bar, label)) in chart.bars.iter().zip(labels).enumerate() {
        let y = 4.0 + i as f64 * ROW;
        let length = if bar.value > 0 {
            (bar.value as f64 / max * area).max(2.0)
        } else {
            0.0
        };
        let baseline = y + BAR * 0.75;
        let (label_x, label_anchor, bar_x, figure_x, figure_anchor) = if rtl {
            let edge = WIDTH - LABEL;
            (
                edge + 8.0,
                "start",
                edge - length,
                edge - length - 6.0,
                "end",
            )
        } else {
            (LABEL - 8.0, "end", LABEL, LABEL + length + 6.0, "start")
        };
        out.push_str(&format!(
            "<g class=\"chart-bar\" data-key=\"{}\" data-value=\"{}\"><title>{}</title>\
             <text class=\"chart-label\" x=\"{label_x:.1}\" y=\"{baseline:.1}\" text-anchor=\"{label_anchor}\">{}</text>\
             <rect x=\"{bar_x:.1}\" y=\"{y:.1}\" width=\"{length:.1}\" height=\"{BAR}\"/>\
             <text class=\"chart-figure\" x=\"{figure_x:.1}\" y=\"{baseline:.1}\" text-anchor=\"{figure_anchor}\">{}</text></g>",
            xml(&bar.key),
            bar.value,
            xml(&figure_text(label, bar.value)),
            xml(label),
            format_count(bar.value),
        ));
    }
    (chart.bars.len() as f64 * ROW + 8.0, out)
}

/// Columns along a line of time, oldest on the reading side's start; each with its figure
/// above and its period below.
fn columns(chart: &Chart, labels: &[String], rtl: bool) -> (f64, String) {
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 36.0;
    const HEIGHT: f64 = 220.0;
    let plot = HEIGHT - TOP - BOTTOM;
    let n = chart.bars.len().max(1);
    let column = WIDTH / n as f64;
    let width = column * 0.6;
    let max = chart.max().max(1) as f64;
    let mut out = format!(
        "<line class=\"chart-axis\" x1=\"0\" x2=\"{WIDTH}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/>",
        TOP + plot
    );
    for (i, (bar, label)) in chart.bars.iter().zip(labels).enumerate() {
        let place = if rtl { n - 1 - i } else { i };
        let centre = place as f64 * column + column / 2.0;
        let height = if bar.value > 0 {
            (bar.value as f64 / max * plot).max(2.0)
        } else {
            0.0
        };
        let y = TOP + plot - height;
        out.push_str(&format!(
            "<g class=\"chart-bar\" data-key=\"{}\" data-value=\"{}\"><title>{}</title>\
             <rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{height:.1}\"/>\
             <text class=\"chart-figure\" x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
             <text class=\"chart-label chart-period\" x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text></g>",
            xml(&bar.key),
            bar.value,
            xml(&figure_text(label, bar.value)),
            centre - width / 2.0,
            y - 5.0,
            format_count(bar.value),
            HEIGHT - 14.0,
            xml(label),
        ));
    }
    (HEIGHT, out)
}

/// A chart with its caption, its table and its CSV at `csv_href`.
#[component]
pub fn ChartFigure(chart: Chart, csv_href: String) -> impl IntoView {
    let id = format!("chart-{}", chart.id.as_str());
    let title = t(chart.id.title_key());
    let image = svg(&chart, &id, title, use_lang().is_rtl());
    let category = if chart.id.is_timeline() {
        Key::ChartMonth
    } else {
        Key::ChartCategory
    };
    let total = chart.total();
    view! {
        <figure class="chart" data-chart=chart.id.as_str() data-total=total>
            <figcaption>
                <strong>{title}</strong>
                " "
                <span class="meta">{t_with(Key::ChartTotal, &[("count", &format_count(total))])}</span>
            </figcaption>
            {if total == 0 {
                view! { <p class="empty">{t(Key::ChartEmpty)}</p> }.into_any()
            } else {
                view! { <div class="chart-image" inner_html=image></div> }.into_any()
            }}
            <details class="chart-data">
                <summary>{t(Key::ChartTable)}</summary>
                <div class="table-wrap">
                    <table data-chart-table=chart.id.as_str()>
                        <caption class="visually-hidden">{title}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t(category)}</th>
                                <th scope="col" class="number">{t(chart.id.unit_key())}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {chart
                                .bars
                                .iter()
                                .map(|bar| view! {
                                    <tr data-key=bar.key.clone()>
                                        <th scope="row">{bar_label(&bar.label)}</th>
                                        <td class="number" data-value=bar.value>
                                            {match bar.href.clone() {
                                                Some(href) => view! {
                                                    <a href=href data-list=bar.key.clone()>{format_count(bar.value)}</a>
                                                }
                                                .into_any(),
                                                None => format_count(bar.value).into_any(),
                                            }}
                                        </td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
            <p class="chart-download">
                <a href=csv_href download=format!("{}.csv", chart.id.as_str()) data-csv=chart.id.as_str()>
                    {t(Key::ChartCsv)}
                    <span class="visually-hidden">": " {title}</span>
                </a>
            </p>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{updates_chart, MilestoneCounts};

    fn rect_x(svg: &str, key: &str) -> f64 {
        let group = svg.split(&format!("data-key=\"{key}\"")).nth(1).unwrap();
        let x = group.split("<rect x=\"").nth(1).unwrap();
        x.split('"').next().unwrap().parse().unwrap()
    }

    #[test]
    fn bars_are_as_long_as_their_figures_and_mirror_right_to_left() {
        let chart = MilestoneCounts {
            completed: 10,
            on_time: 5,
            overdue: 0,
            withdrawn: 1,
        }
        .chart();
        let ltr = svg(&chart, "c", "Milestones <all>", false);
        assert!(ltr.starts_with("<svg ") && ltr.ends_with("</svg>"));
        assert!(ltr.contains("<title id=\"c-title\">Milestones &lt;all&gt;</title>"));
        assert!(ltr.contains("aria-labelledby=\"c-title c-desc\""));
        assert!(ltr.contains("role=\"img\""));
        let width = |svg: &str, key: &str| -> f64 {
            let group = svg.split(&format!("data-key=\"{key}\"")).nth(1).unwrap();
            let w = group.split("width=\"").nth(1).unwrap();
            w.split('"').next().unwrap().parse().unwrap()
        };
        assert_eq!(width(&ltr, "completed"), 2.0 * width(&ltr, "on_time"));
        assert_eq!(width(&ltr, "overdue"), 0.0);
        // Left to right, bars start at one edge; right to left, they end at the other.
        assert_eq!(rect_x(&ltr, "completed"), rect_x(&ltr, "on_time"));
        let rtl = svg(&chart, "c", "t", true);
        let end = |key: &str| rect_x(&rtl, key) + width(&rtl, key);
        assert_eq!(end("completed"), end("on_time"));
        assert!(rect_x(&rtl, "completed") < rect_x(&rtl, "on_time"));
        // Every bar says its figure in text.
        for bar in &chart.bars {
            assert!(ltr.contains(&format!("data-value=\"{}\"", bar.value)));
        }
    }

    #[test]
    fn months_run_in_reading_order() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let chart = updates_chart(&[("2026-06".into(), 3), ("2025-07".into(), 1)], day);
        let ltr = svg(&chart, "u", "t", false);
        let rtl = svg(&chart, "u", "t", true);
        assert!(rect_x(&ltr, "2025-07") < rect_x(&ltr, "2026-06"));
        assert!(rect_x(&rtl, "2025-07") > rect_x(&rtl, "2026-06"));
    }
}
