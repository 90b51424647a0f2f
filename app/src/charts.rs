//! Charts drawn by the server as SVG, so they show without JavaScript: each with an
//! accessible name and a description listing its figures, every bar labelled with its
//! category and its figure (colour never carries the meaning alone), a table of the same
//! figures one click away, and a CSV of exactly those figures. In a right-to-left language
//! bars grow from the right and months run from right to left.

use crate::domain::{Bar, BarGroup, BarLabel, Chart, ChartForm};
use crate::i18n::{format_count, t, t_with, use_lang, Key};
use crate::xml::text as xml;
use leptos::prelude::*;

const MONTHS: [Key; 12] = [
    Key::Month01,
    Key::Month02,
    Key::Month03,
    Key::Month04,
    Key::Month05,
    Key::Month06,
    Key::Month07,
    Key::Month08,
    Key::Month09,
    Key::Month10,
    Key::Month11,
    Key::Month12,
];

/// A month's short name in the page's language (`month` from 1).
fn month_name(month: u32) -> &'static str {
    MONTHS
        .get((month as usize).wrapping_sub(1))
        .map_or("", |key| t(*key))
}

/// A bar's label in the page's language.
pub fn bar_label(label: &BarLabel) -> String {
    match label {
        BarLabel::Key(key) => t(*key).to_string(),
        BarLabel::Month { year, month } => t_with(
            Key::MonthYear,
            &[("month", month_name(*month)), ("year", &year.to_string())],
        ),
        BarLabel::Text(text) => text.clone(),
    }
}

/// The chart's figures as text: the SVG's description, and its tooltip per bar.
fn figure_text(label: &str, value: i64) -> String {
    t_with(
        Key::ChartFigure,
        &[("label", label), ("count", &format_count(value))],
    )
}

const WIDTH: f64 = 640.0;
/// Horizontal bars: the category's width, the figure's, a row's height and a bar's.
const LABEL: f64 = 250.0;
const FIGURE: f64 = 60.0;
const ROW: f64 = 30.0;
const BAR: f64 = 20.0;

/// The chart as an SVG document fragment, `id` naming its title and description (and its
/// patterns), its layout mirrored when `rtl`.
pub fn svg(chart: &Chart, id: &str, title: &str, rtl: bool) -> String {
    let description = chart
        .every_bar()
        .map(|(group, bar)| figure_text(&full_label(group, bar), bar.value))
        .collect::<Vec<_>>()
        .join("; ");
    let (height, body) = drawing(chart, id, rtl);
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

/// The chart's shapes and texts, [`WIDTH`] wide, and how high they are.
fn drawing(chart: &Chart, id: &str, rtl: bool) -> (f64, String) {
    match chart.id.form() {
        ChartForm::Columns => columns(chart, rtl),
        ChartForm::Bars => {
            let rows: Vec<(&Bar, String)> = chart
                .bars
                .iter()
                .map(|b| (b, bar_label(&b.label)))
                .collect();
            let (height, body) = bar_rows(&rows, None, 4.0, chart.max(), rtl);
            (height + 8.0, body)
        }
        ChartForm::Stacked => stacked(chart, id, rtl),
        ChartForm::SmallMultiples => small_multiples(chart, rtl),
    }
}

/// A link preview's size in pixels (Open Graph's 1.91 to 1).
pub const PREVIEW_WIDTH: u32 = 1200;
pub const PREVIEW_HEIGHT: u32 = 630;

/// A page's link preview, as one SVG document to draw to PNG: the site's name, the page's
/// `name`, the chart's title and total, and the chart drawn as on the page (mirrored when
/// `rtl`), or a line saying there is nothing to draw. Self-contained: its styles are inside
/// and its font is named (`DejaVu Sans`, which the server carries). Drawn by a renderer
/// reading simple CSS, so for charts of plain bars.
pub fn preview_svg(name: &str, chart: &Chart, rtl: bool) -> String {
    const MARGIN: f64 = 60.0;
    let width = f64::from(PREVIEW_WIDTH);
    let height = f64::from(PREVIEW_HEIGHT);
    let (x, anchor) = if rtl {
        (width - MARGIN, "end")
    } else {
        (MARGIN, "start")
    };
    // At most what fits on one line at this size.
    let clipped = |text: &str, most: usize| {
        if text.chars().count() > most {
            format!(
                "{}…",
                text.chars().take(most - 1).collect::<String>().trim_end()
            )
        } else {
            text.to_string()
        }
    };
    let about = format!(
        "{} · {}",
        t(chart.id.title_key()),
        t_with(Key::ChartTotal, &[("count", &format_count(chart.total()))])
    );
    let top = 230.0;
    let drawn = if chart.total() == 0 {
        format!(
            "<text class=\"about\" x=\"{x}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            top + 60.0,
            xml(t(Key::ChartEmpty))
        )
    } else {
        let (chart_height, body) = drawing(chart, "preview", rtl);
        let align = if rtl { "xMaxYMin" } else { "xMinYMin" };
        format!(
            "<svg x=\"{MARGIN}\" y=\"{top}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {WIDTH} {chart_height}\" \
             preserveAspectRatio=\"{align} meet\">{body}</svg>",
            width - 2.0 * MARGIN,
            height - top - 30.0,
        )
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans\">\
         <style>.chart-bar rect{{fill:#004a80}}.chart-label,.chart-figure{{fill:#1b1f24;font-size:14px}}\
         .chart-figure{{font-weight:bold}}.chart-period{{font-size:11px}}.chart-axis{{stroke:#4f5863}}\
         .site{{fill:#ffffff;font-size:30px;font-weight:bold}}.name{{fill:#1b1f24;font-size:54px;font-weight:bold}}\
         .about{{fill:#4f5863;font-size:30px}}</style>\
         <rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\
         <rect width=\"{width}\" height=\"76\" fill=\"#004a80\"/>\
         <text class=\"site\" x=\"{x}\" y=\"50\" text-anchor=\"{anchor}\">{}</text>\
         <text class=\"name\" x=\"{x}\" y=\"150\" text-anchor=\"{anchor}\">{}</text>\
         <text class=\"about\" x=\"{x}\" y=\"200\" text-anchor=\"{anchor}\">{}</text>{drawn}</svg>",
        xml(t(Key::AppName)),
        xml(&clipped(name, 36)),
        xml(&clipped(&about, 60)),
    )
}

/// A bar's label with its group's, as its tooltip and the description say it.
fn full_label(group: Option<&BarGroup>, bar: &Bar) -> String {
    match group {
        Some(group) => t_with(
            Key::ChartPart,
            &[
                ("group", &bar_label(&group.label)),
                ("label", &bar_label(&bar.label)),
            ],
        ),
        None => bar_label(&bar.label),
    }
}

/// A bar's `data-` attributes: its group's key where it has one, and its own.
fn bar_data(group: Option<&BarGroup>, bar: &Bar) -> String {
    let group = group.map_or(String::new(), |g| {
        format!(" data-group=\"{}\"", xml(&g.key))
    });
    format!(
        "{group} data-key=\"{}\" data-value=\"{}\"",
        xml(&bar.key),
        bar.value
    )
}

/// Horizontal bars from `top`, drawn to the scale of `max`: the category on the reading
/// side, then the bar, then its figure.
fn bar_rows(
    rows: &[(&Bar, String)],
    group: Option<&BarGroup>,
    top: f64,
    max: i64,
    rtl: bool,
) -> (f64, String) {
    let area = WIDTH - LABEL - FIGURE;
    let max = max.max(1) as f64;
    let mut out = String::new();
    for (i, (bar, label)) in rows.iter().enumerate() {
        let y = top + i as f64 * ROW;
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
            "<g class=\"chart-bar\"{}><title>{}</title>\
             <text class=\"chart-label\" x=\"{label_x:.1}\" y=\"{baseline:.1}\" text-anchor=\"{label_anchor}\">{}</text>\
             <rect x=\"{bar_x:.1}\" y=\"{y:.1}\" width=\"{length:.1}\" height=\"{BAR}\"/>\
             <text class=\"chart-figure\" x=\"{figure_x:.1}\" y=\"{baseline:.1}\" text-anchor=\"{figure_anchor}\">{}</text></g>",
            bar_data(group, bar),
            xml(&figure_text(&full_label(group, bar), bar.value)),
            xml(label),
            format_count(bar.value),
        ));
    }
    (top + rows.len() as f64 * ROW - ROW + BAR + 4.0, out)
}

/// One small chart per group, one under the other, each headed by its group's name and
/// all drawn to the same scale, so their bars compare.
fn small_multiples(chart: &Chart, rtl: bool) -> (f64, String) {
    const HEADING: f64 = 26.0;
    let max = chart.max();
    let (heading_x, anchor) = if rtl { (WIDTH, "end") } else { (0.0, "start") };
    let mut top = 0.0;
    let mut out = String::new();
    for group in &chart.groups {
        out.push_str(&format!(
            "<text class=\"chart-group\" x=\"{heading_x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
            top + 18.0,
            xml(&bar_label(&group.label)),
        ));
        let rows: Vec<(&Bar, String)> = group
            .bars
            .iter()
            .map(|b| (b, bar_label(&b.label)))
            .collect();
        let (bottom, body) = bar_rows(&rows, Some(group), top + HEADING, max, rtl);
        out.push_str(&body);
        top = bottom + 12.0;
    }
    (top.max(ROW), out)
}

/// Fills for the parts of stacked bars: a colour each (3:1 or more against the page) and a
/// pattern each, so the parts tell apart without colour.
const PART_COLOURS: [&str; 7] = [
    "#004a80", "#8a4b00", "#1d6b32", "#6b2c91", "#a4262c", "#4f5863", "#0f6466",
];

/// The patterns' shapes, drawn in white over a part's colour (none on the first).
const PART_SHAPES: [&str; 7] = [
    "",
    "<path d=\"M0 8 L8 0\" stroke-width=\"2\"/>",
    "<circle cx=\"4\" cy=\"4\" r=\"1.6\"/>",
    "<path d=\"M0 4 H8\" stroke-width=\"2\"/>",
    "<path d=\"M0 0 L8 8 M0 8 L8 0\" stroke-width=\"1.4\"/>",
    "<path d=\"M4 0 V8\" stroke-width=\"2\"/>",
    "<path d=\"M0 0 L8 8\" stroke-width=\"2\"/>",
];

fn part_fill(id: &str, n: usize) -> String {
    format!("url(#{id}-part-{})", n % PART_COLOURS.len())
}

fn part_patterns(id: &str, parts: usize) -> String {
    let mut out = String::from("<defs>");
    for n in 0..parts.min(PART_COLOURS.len()) {
        out.push_str(&format!(
            "<pattern id=\"{id}-part-{n}\" class=\"chart-pattern\" width=\"8\" height=\"8\" \
             patternUnits=\"userSpaceOnUse\"><rect class=\"chart-part-{n}\" width=\"8\" height=\"8\" fill=\"{}\"/>\
             <g fill=\"#ffffff\" stroke=\"#ffffff\" opacity=\"0.45\">{}</g></pattern>",
            PART_COLOURS[n], PART_SHAPES[n]
        ));
    }
    out.push_str("</defs>");
    out
}

/// One bar per group, made of its parts in order from the reading side, its total after
/// it; then a legend naming each part beside its pattern.
fn stacked(chart: &Chart, id: &str, rtl: bool) -> (f64, String) {
    const GROUP_LABEL: f64 = 110.0;
    let area = WIDTH - GROUP_LABEL - FIGURE;
    let max = chart.max().max(1) as f64;
    let parts: Vec<(String, String)> = chart
        .groups
        .first()
        .map(|g| {
            g.bars
                .iter()
                .map(|b| (b.key.clone(), bar_label(&b.label)))
                .collect()
        })
        .unwrap_or_default();
    let mut out = part_patterns(id, parts.len());
    for (i, group) in chart.groups.iter().enumerate() {
        let y = 4.0 + i as f64 * ROW;
        let baseline = y + BAR * 0.75;
        let total = group.total();
        let length = total as f64 / max * area;
        let (label_x, label_anchor, start, figure_x, figure_anchor) = if rtl {
            let edge = WIDTH - GROUP_LABEL;
            (edge + 8.0, "start", edge, edge - length - 6.0, "end")
        } else {
            (
                GROUP_LABEL - 8.0,
                "end",
                GROUP_LABEL,
                GROUP_LABEL + length + 6.0,
                "start",
            )
        };
        out.push_str(&format!(
            "<g class=\"chart-stack\" data-group=\"{}\" data-value=\"{total}\">\
             <text class=\"chart-label\" x=\"{label_x:.1}\" y=\"{baseline:.1}\" text-anchor=\"{label_anchor}\">{}</text>",
            xml(&group.key),
            xml(&bar_label(&group.label)),
        ));
        let mut done = 0.0;
        for (n, bar) in group.bars.iter().enumerate() {
            let width = bar.value as f64 / max * area;
            let x = if rtl {
                start - done - width
            } else {
                start + done
            };
            done += width;
            if bar.value == 0 {
                continue;
            }
            out.push_str(&format!(
                "<g class=\"chart-bar chart-part\"{}><title>{}</title>\
                 <rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{BAR}\" fill=\"{}\"/></g>",
                bar_data(Some(group), bar),
                xml(&figure_text(&full_label(Some(group), bar), bar.value)),
                part_fill(id, n),
            ));
        }
        out.push_str(&format!(
            "<text class=\"chart-figure\" x=\"{figure_x:.1}\" y=\"{baseline:.1}\" text-anchor=\"{figure_anchor}\">{}</text></g>",
            format_count(total),
        ));
    }
    // The legend, two parts a line.
    let top = 4.0 + chart.groups.len() as f64 * ROW + 14.0;
    let column = WIDTH / 2.0;
    for (n, (key, label)) in parts.iter().enumerate() {
        let y = top + (n / 2) as f64 * 24.0;
        let place = (n % 2) as f64 * column;
        let (swatch_x, text_x, anchor) = if rtl {
            (WIDTH - place - 16.0, WIDTH - place - 22.0, "end")
        } else {
            (place, place + 22.0, "start")
        };
        out.push_str(&format!(
            "<g class=\"chart-legend\" data-key=\"{}\"><rect x=\"{swatch_x:.1}\" y=\"{y:.1}\" width=\"16\" height=\"16\" fill=\"{}\"/>\
             <text class=\"chart-label\" x=\"{text_x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text></g>",
            xml(key),
            part_fill(id, n),
            y + 13.0,
            xml(label),
        ));
    }
    (top + parts.len().div_ceil(2) as f64 * 24.0 + 4.0, out)
}

/// Columns along a line of time, oldest on the reading side's start; each with its figure
/// above and its period below (a month's name, and its year under the first column and
/// each January).
fn columns(chart: &Chart, rtl: bool) -> (f64, String) {
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 48.0;
    const HEIGHT: f64 = 232.0;
    let plot = HEIGHT - TOP - BOTTOM;
    let n = chart.bars.len().max(1);
    let column = WIDTH / n as f64;
    let width = column * 0.6;
    let max = chart.max().max(1) as f64;
    let mut out = format!(
        "<line class=\"chart-axis\" x1=\"0\" x2=\"{WIDTH}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/>",
        TOP + plot
    );
    for (i, bar) in chart.bars.iter().enumerate() {
        let label = bar_label(&bar.label);
        let place = if rtl { n - 1 - i } else { i };
        let centre = place as f64 * column + column / 2.0;
        let height = if bar.value > 0 {
            (bar.value as f64 / max * plot).max(2.0)
        } else {
            0.0
        };
        let y = TOP + plot - height;
        let (period, year) = match bar.label {
            BarLabel::Month { year, month } => (
                month_name(month).to_string(),
                (i == 0 || month == 1).then(|| year.to_string()),
            ),
            _ => (label.clone(), None),
        };
        let year = year.map_or(String::new(), |year| {
            format!(
                "<text class=\"chart-label chart-period\" x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{year}</text>",
                HEIGHT - 6.0
            )
        });
        out.push_str(&format!(
            "<g class=\"chart-bar\"{}><title>{}</title>\
             <rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{height:.1}\"/>\
             <text class=\"chart-figure\" x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
             <text class=\"chart-label chart-period\" x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>{year}</g>",
            bar_data(None, bar),
            xml(&figure_text(&label, bar.value)),
            centre - width / 2.0,
            y - 5.0,
            format_count(bar.value),
            HEIGHT - 24.0,
            xml(&period),
        ));
    }
    (HEIGHT, out)
}

/// [`svg`] as a page draws `chart`, in the reader's language.
fn page_svg(chart: &Chart) -> std::sync::Arc<str> {
    let lang = use_lang();
    let draw = || -> std::sync::Arc<str> {
        let id = format!("chart-{}", chart.id.as_str());
        svg(chart, &id, t(chart.id.title_key()), lang.is_rtl()).into()
    };
    #[cfg(feature = "ssr")]
    {
        drawings::kept(lang, chart, draw)
    }
    #[cfg(not(feature = "ssr"))]
    draw()
}

/// Drawings kept by an app server. A drawing depends only on its chart and the language,
/// and every reader of a page is shown the same few charts, so they are drawn once: drawing
/// them again was a quarter of the time a member's page took to render (2026-12-02, profiled
/// at demo scale 10). Kept by their whole chart, never by a version of the data, so a chart
/// whose figures changed is a new drawing and a kept one is never out of date. The lists
/// its bars link to are not drawn (the table beside it carries them), so they are not part
/// of what a drawing is kept by: the same figures in several scopes are drawn once.
#[cfg(feature = "ssr")]
mod drawings {
    use crate::domain::{Bar, Chart};
    use crate::i18n::Lang;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};

    /// Past this many, the kept drawings are all let go (those still shown are drawn again
    /// once). Each is a few KB (up to about 12 in Arabic, for a stacked chart), so they hold
    /// some 10 to 30 MB at most, besides the pages kept (`PAGE_CACHE_MB`).
    const KEPT: usize = 2048;

    type Drawings = HashMap<(Lang, Chart), Arc<str>>;

    static KEPT_DRAWINGS: OnceLock<Mutex<Drawings>> = OnceLock::new();

    /// The drawing of `chart` in `lang`, made by `draw` unless kept. `draw` runs outside the
    /// lock, so renders never queue behind one another's drawing.
    pub(super) fn kept(lang: Lang, chart: &Chart, draw: impl FnOnce() -> Arc<str>) -> Arc<str> {
        let kept = KEPT_DRAWINGS.get_or_init(Default::default);
        let key = (lang, drawn_part(chart));
        if let Some(drawn) = kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
        {
            return drawn.clone();
        }
        let drawn = draw();
        let mut kept = kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(key, drawn.clone());
        drawn
    }

    /// `chart` without what its drawing does not show: the lists its bars link to.
    fn drawn_part(chart: &Chart) -> Chart {
        let bar = |b: &Bar| Bar {
            href: None,
            ..b.clone()
        };
        let mut drawn = chart.clone();
        drawn.bars = chart.bars.iter().map(bar).collect();
        for group in &mut drawn.groups {
            group.bars = group.bars.iter().map(bar).collect();
        }
        drawn
    }
}

/// A figure in the chart's table: a link to its list where it has one.
fn table_figure(bar: &Bar) -> AnyView {
    match bar.href.clone() {
        Some(href) => {
            view! { <a href=href data-list=bar.key.clone()>{format_count(bar.value)}</a> }
                .into_any()
        }
        None => format_count(bar.value).into_any(),
    }
}

/// A chart with its caption, its table and its CSV at `csv_href`.
#[component]
pub fn ChartFigure(chart: Chart, csv_href: String) -> impl IntoView {
    let title = t(chart.id.title_key());
    let category = if chart.id.form() == ChartForm::Columns {
        Key::ChartMonth
    } else {
        Key::ChartCategory
    };
    let total = chart.total();
    // An empty chart is not drawn.
    let image = (total != 0).then(|| page_svg(&chart));
    let grouped = !chart.groups.is_empty();
    let rows = if grouped {
        chart
            .groups
            .iter()
            .flat_map(|group| {
                group.bars.iter().map(move |bar| {
                    view! {
                        <tr data-group=group.key.clone() data-key=bar.key.clone()>
                            <th scope="row">{bar_label(&group.label)}</th>
                            <th scope="row">{bar_label(&bar.label)}</th>
                            <td class="number" data-value=bar.value>{table_figure(bar)}</td>
                        </tr>
                    }
                })
            })
            .collect_view()
            .into_any()
    } else {
        chart
            .bars
            .iter()
            .map(|bar| {
                view! {
                    <tr data-key=bar.key.clone()>
                        <th scope="row">{bar_label(&bar.label)}</th>
                        <td class="number" data-value=bar.value>{table_figure(bar)}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <figure class="chart" data-chart=chart.id.as_str() data-total=total>
            <figcaption>
                <strong>{title}</strong>
                " "
                <span class="meta">{t_with(Key::ChartTotal, &[("count", &format_count(total))])}</span>
            </figcaption>
            {match image {
                None => view! { <p class="empty">{t(Key::ChartEmpty)}</p> }.into_any(),
                Some(image) => view! { <div class="chart-image" inner_html=image></div> }.into_any(),
            }}
            <details class="chart-data">
                <summary>{t(Key::ChartTable)}</summary>
                <div class="table-wrap">
                    <table data-chart-table=chart.id.as_str()>
                        <caption class="visually-hidden">{title}</caption>
                        <thead>
                            <tr>
                                {grouped.then(|| view! { <th scope="col">{t(chart.id.group_key())}</th> })}
                                <th scope="col">{t(category)}</th>
                                <th scope="col" class="number">{t(chart.id.unit_key())}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
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

    #[cfg(feature = "ssr")]
    #[test]
    fn a_drawing_is_kept_for_its_chart_and_language_only() {
        use crate::i18n::Lang;
        let counts = |completed| MilestoneCounts {
            completed,
            on_time: 1,
            overdue: 2,
            withdrawn: 3,
        };
        // Figures no other test draws: the drawings are kept for the whole process.
        let chart = counts(7_770_001).chart();
        let first = drawings::kept(Lang::En, &chart, || "first".into());
        assert_eq!(&*first, "first");
        let again = drawings::kept(Lang::En, &chart, || "drawn again".into());
        assert_eq!(&*again, "first");
        let french = drawings::kept(Lang::Fr, &chart, || "french".into());
        assert_eq!(&*french, "french");
        let changed = drawings::kept(Lang::En, &counts(7_770_002).chart(), || "changed".into());
        assert_eq!(&*changed, "changed");
        // The same figures listed elsewhere are the same drawing.
        let mut elsewhere = chart.clone();
        elsewhere.bars[0].href = Some("/search?member=elsewhere".into());
        let shared = drawings::kept(Lang::En, &elsewhere, || "drawn again".into());
        assert_eq!(&*shared, "first");
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

    fn results() -> crate::domain::CommitmentResults {
        crate::domain::CommitmentResults {
            latest_completion: vec![0, 0, 3, 1, 2, 0, 0],
            by_cycle: vec![
                ("2018-2020".into(), vec![0, 0, 1, 1, 2, 0, 0]),
                ("2014-2016".into(), vec![0, 0, 2, 0, 0, 0, 0]),
                ("2022-2024".into(), vec![0; 7]),
            ],
            early: vec![0, 1, 0, 2, 0, 0, 0, 0, 0],
            ..Default::default()
        }
    }

    /// The `attribute` of every element of `svg` carrying `marker`, in order.
    fn attributes<'a>(svg: &'a str, marker: &str, attribute: &str) -> Vec<&'a str> {
        svg.split(marker)
            .skip(1)
            .map(|part| {
                let at = part.find(&format!("{attribute}=\"")).unwrap() + attribute.len() + 2;
                part[at..].split('"').next().unwrap()
            })
            .collect()
    }

    #[test]
    fn stacked_bars_are_as_long_as_their_groups_with_a_pattern_per_part() {
        let [_, chart, _, _] = results().charts(|_| None);
        // Oldest cycle first; a cycle with nothing assessed, and levels nobody has, left out.
        let groups: Vec<&str> = chart.groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(groups, ["2014-2016", "2018-2020"]);
        assert_eq!(chart.groups[0].bars.len(), 3);
        let ltr = svg(&chart, "s", "t", false);
        let xs: Vec<f64> = attributes(&ltr, "chart-part\"", "x")
            .into_iter()
            .map(|x| x.parse().unwrap())
            .collect();
        let widths: Vec<f64> = attributes(&ltr, "chart-part\"", "width")
            .into_iter()
            .map(|x| x.parse().unwrap())
            .collect();
        // 2014-2016: one part of 2; 2018-2020: parts of 1, 1 and 2 one after the other.
        assert_eq!(xs.len(), 4, "no part drawn for nothing");
        assert_eq!(widths[0], widths[3]);
        assert_eq!(widths[1] * 2.0, widths[3]);
        assert_eq!(xs[0], xs[1]);
        assert!((xs[2] - (xs[1] + widths[1])).abs() < 0.2);
        // Each part's pattern is defined, and the legend names every part beside it.
        let fills = attributes(&ltr, "chart-part\"", "fill");
        assert_eq!(fills[0], "url(#s-part-0)");
        assert_eq!(fills[3], "url(#s-part-2)");
        for n in 0..3 {
            assert!(ltr.contains(&format!("<pattern id=\"s-part-{n}\"")));
        }
        assert_eq!(
            attributes(&ltr, "class=\"chart-legend\"", "data-key"),
            ["limited", "substantial", "complete"]
        );
        // Right to left, the first part starts at the right.
        let rtl = svg(&chart, "s", "t", true);
        let rtl_x: Vec<f64> = attributes(&rtl, "chart-part\"", "x")
            .into_iter()
            .map(|x| x.parse().unwrap())
            .collect();
        assert!(rtl_x[1] > rtl_x[2] && rtl_x[2] > rtl_x[3]);
        assert!(((rtl_x[0] + widths[0]) - (rtl_x[1] + widths[1])).abs() < 0.2);
    }

    #[test]
    fn small_multiples_share_one_scale() {
        let mut results = results();
        results.early = vec![0, 1, 0, 2, 0, 0, 4, 0, 0];
        let [_, _, _, chart] = results.charts(|_| None);
        assert_eq!(chart.groups.len(), 2);
        let drawn = svg(&chart, "m", "t", false);
        let width = |group: &str, key: &str| -> f64 {
            let marker = format!("data-group=\"{group}\" data-key=\"{key}\"");
            attributes(&drawn, &marker, "width")[0].parse().unwrap()
        };
        assert_eq!(
            width("opened", "opened.major") * 2.0,
            width("early", "early.moderate")
        );
        assert_eq!(
            width("opened", "opened.did_not_change") * 2.0,
            width("opened", "opened.major")
        );
        assert_eq!(attributes(&drawn, "class=\"chart-group\"", "x").len(), 2);
        // The CSV names each bar's group.
        let csv = chart.csv(|l| match l {
            BarLabel::Key(k) => k.name().to_string(),
            BarLabel::Text(t) => t.clone(),
            BarLabel::Month { year, month } => format!("{year}-{month:02}"),
        });
        assert!(csv.starts_with("group,group_label,key,label,count\r\n"));
        assert!(csv.contains("early,indicator_early_results,early.moderate,early_moderate,4\r\n"));
        assert_eq!(csv.lines().count(), 1 + 9);
    }

    #[test]
    fn months_run_in_reading_order() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let chart = updates_chart(&[("2026-06".into(), 3), ("2025-07".into(), 1)], day);
        let ltr = svg(&chart, "u", "t", false);
        let rtl = svg(&chart, "u", "t", true);
        assert!(rect_x(&ltr, "2025-07") < rect_x(&ltr, "2026-06"));
        assert!(rect_x(&rtl, "2025-07") > rect_x(&rtl, "2026-06"));
        // Months are named in the page's language; the year shows under the first and
        // under January.
        let french =
            crate::i18n::in_language(crate::i18n::Lang::Fr, || svg(&chart, "u", "t", false));
        let periods: Vec<&str> = french
            .split("chart-period\"")
            .skip(1)
            .map(|p| p.split('>').nth(1).unwrap().split('<').next().unwrap())
            .collect();
        assert_eq!(
            periods,
            [
                "juil.", "2025", "août", "sept.", "oct.", "nov.", "déc.", "janv.", "2026", "févr.",
                "mars", "avr.", "mai", "juin"
            ]
        );
        assert!(french.contains("<title>juin 2026 : 3</title>"));
    }
}
