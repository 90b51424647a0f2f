//! A scope's dashboard on its page (the overview, a member, a plan, and the explore pages of
//! a region, value, policy area or institution): its charts, each with its table and CSV,
//! and the commitments most overdue.

use crate::charts::ChartFigure;
use crate::components::{date_text, result_view, Loading};
use crate::domain::{Dashboard, Scope};
use crate::i18n::{t, t_count, t_with, Key};
use crate::server_fns::get_dashboard;
use leptos::prelude::*;

/// A page's dashboard, fetched beside its own record (create it in the page's component:
/// see `scores_summary::plan_summary`).
pub type DashboardResource = AsyncDerived<Result<Option<Dashboard>, crate::error::AppError>>;

pub fn dashboard_data(scope: impl Fn() -> Scope + Send + Sync + 'static) -> DashboardResource {
    crate::components::page_data(scope, get_dashboard)
}

/// A scope's dashboard; on a scope's own page (not in the explorer, `in_explorer`) with a
/// link to it in the explorer where it is one of those the explorer lists.
#[component]
pub fn DashboardSection(
    data: DashboardResource,
    scope: Scope,
    #[prop(optional)] in_explorer: bool,
) -> impl IntoView {
    let page = scope.page_path();
    let explorer =
        (!in_explorer && Scope::from_explored(&page).as_ref() == Some(&scope)).then(|| {
            format!(
                "/explore?dashboard={}",
                crate::domain::percent_encoded(&page, b"/")
            )
        });
    view! {
        <Suspense fallback=Loading>
            {move || {
                let page = page.clone();
                let explorer = explorer.clone();
                Suspend::new(async move {
                    result_view(data.await, move |dashboard| match dashboard {
                        Some(dashboard) => view! { <DashboardBody dashboard page explorer/> }.into_any(),
                        None => ().into_any(),
                    })
                })
            }}
        </Suspense>
    }
}

#[component]
fn DashboardBody(dashboard: Dashboard, page: String, explorer: Option<String>) -> impl IntoView {
    view! {
        <section aria-labelledby="dashboard-heading" class="dashboard" id=DASHBOARD_ID>
            <h2 id="dashboard-heading">{t(Key::DashboardHeading)}</h2>
            <p class="meta">
                {t_with(Key::DashboardIntro, &[("date", &date_text(dashboard.as_of))])}
                {explorer.map(|href| view! {
                    " " <a href=href data-explorer="">{t(Key::DashboardExplore)}</a>
                })}
            </p>
            <div class="charts">
                {dashboard
                    .charts
                    .into_iter()
                    .map(|chart| {
                        let csv_href = chart.id.csv_path(&page);
                        view! { <ChartFigure chart csv_href/> }
                    })
                    .collect_view()}
            </div>
            <h3>{t(Key::MostOverdueHeading)}</h3>
            {if dashboard.most_overdue.is_empty() {
                view! { <p class="empty" data-most-overdue="none">{t(Key::MostOverdueNone)}</p> }.into_any()
            } else {
                view! {
                    <ol class="most-overdue" data-most-overdue="list">
                        {dashboard
                            .most_overdue
                            .into_iter()
                            .map(|c| view! {
                                <li data-commitment=c.code.clone() data-overdue=c.overdue_milestones>
                                    <a href=format!("/commitments/{}", c.code)>{c.code.clone()}</a>
                                    " " <bdi>{c.title}</bdi> ": "
                                    {t_count(
                                        Key::MostOverdueRow,
                                        c.overdue_milestones,
                                        &[("date", &date_text(c.overdue_since))],
                                    )}
                                </li>
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
    }
}

/// The form that chooses which dashboard `/explore` shows: the installation's, a region's, an
/// OGP value's or a policy area's. Sent with GET without JavaScript; with it, [`LiveCharts`]
/// puts the chosen dashboard in place as soon as the choice changes.
#[component]
pub fn DashboardFilter(explore: crate::domain::Explore, chosen: String) -> impl IntoView {
    let option = |path: String, name: String| {
        let selected = path == chosen;
        view! { <option value=path selected=selected>{name}</option> }
    };
    let regions = explore
        .regions
        .iter()
        .map(|(region, _)| {
            option(
                Scope::Region(*region).page_path(),
                t(region.label_key()).to_string(),
            )
        })
        .collect_view();
    let values = explore
        .values
        .iter()
        .map(|(value, _)| {
            option(
                Scope::Value(*value).page_path(),
                t(value.label_key()).to_string(),
            )
        })
        .collect_view();
    let areas = explore
        .policy_areas
        .iter()
        .map(|(slug, name, _)| option(Scope::PolicyArea(slug.clone()).page_path(), name.clone()))
        .collect_view();
    view! {
        <form id=FILTER_ID class="dashboard-filter" method="get" action="/explore">
            <label for=SCOPE_ID>{t(Key::ExploreDashboardLabel)}</label>
            <select id=SCOPE_ID name="dashboard">
                {option("/".to_string(), t(Key::ExploreDashboardAll).to_string())}
                <optgroup label=t(Key::ExploreRegions)>{regions}</optgroup>
                <optgroup label=t(Key::ExploreValues)>{values}</optgroup>
                <optgroup label=t(Key::ExplorePolicyAreas)>{areas}</optgroup>
            </select>
            <button type="submit">{t(Key::ExploreDashboardShow)}</button>
        </form>
    }
}

/// The ids the island finds its parts by.
const FILTER_ID: &str = "dashboard-filter";
const SCOPE_ID: &str = "dashboard-scope";
const CHART_STATUS_ID: &str = "chart-status";
const KEYS_HINT_ID: &str = "chart-keys-hint";
/// The dashboard's section (see [`DashboardBody`]).
const DASHBOARD_ID: &str = "dashboard";

/// Charts that answer the pointer and the keyboard, and a dashboard filter that answers in
/// place. Hovering a bar, or moving along a chart's bars with the arrow keys once the chart
/// has the focus, shows the bar's figure beside it (and says it, for the keyboard);
/// choosing another dashboard in [`DashboardFilter`] asks for its page and puts its
/// dashboard in place of this one, the address following. Without JavaScript each bar's
/// figure is written beside it, its table is one click away, and the filter is a form.
#[island]
pub fn LiveCharts(children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move || {
        #[cfg(feature = "hydrate")]
        if let Some(root) = root.get() {
            browser::prepare(&root);
        }
    });
    let on_pointer = move |event: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        browser::pointed(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = &event;
    };
    let on_leave = move |event: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        browser::left(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = &event;
    };
    let on_key = move |event: leptos::ev::KeyboardEvent| {
        #[cfg(feature = "hydrate")]
        browser::keyed(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = &event;
    };
    let on_focus = move |event: leptos::ev::FocusEvent| {
        #[cfg(feature = "hydrate")]
        browser::focused(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = &event;
    };
    let on_blur = move |event: leptos::ev::FocusEvent| {
        #[cfg(feature = "hydrate")]
        browser::blurred(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = &event;
    };
    let on_change = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        browser::changed(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = &event;
    };
    view! {
        <div
            class="live-charts"
            node_ref=root
            on:mouseover=on_pointer
            on:mouseout=on_leave
            on:keydown=on_key
            on:focusin=on_focus
            on:focusout=on_blur
            on:change=on_change
        >
            {children()}
            <p id=CHART_STATUS_ID class="visually-hidden" role="status" aria-live="polite"></p>
            <p id=KEYS_HINT_ID class="visually-hidden">{t(Key::ChartKeysHint)}</p>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{CHART_STATUS_ID, DASHBOARD_ID, KEYS_HINT_ID, SCOPE_ID};
    use crate::i18n::{text, use_lang, Key};
    use crate::in_place::{by_id, document, fetch_page};
    use std::cell::Cell;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlElement};

    const TIP_ID: &str = "chart-tip";
    /// Marks the history entries of the dashboards shown here.
    const MARK: &str = "ogp-dashboard";

    thread_local! {
        /// Which dashboard asked for is the latest: an older answer arriving late is dropped.
        static LATEST: Cell<u64> = const { Cell::new(0) };
    }

    /// Each chart drawn in `root` takes the focus, named by its title, its bars read with
    /// the arrow keys (which the hint says); Escape anywhere hides a figure shown.
    pub fn prepare(root: &Element) {
        let Ok(charts) = root.query_selector_all(".chart-image") else {
            return;
        };
        for at in 0..charts.length() {
            let Some(chart) = charts.item(at).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let title = chart
                .query_selector("svg > title")
                .ok()
                .flatten()
                .map(|t| t.id())
                .unwrap_or_default();
            let _ = chart.set_attribute("tabindex", "0");
            let _ = chart.set_attribute("role", "group");
            let _ = chart.set_attribute("aria-labelledby", &title);
            let _ = chart.set_attribute("aria-describedby", KEYS_HINT_ID);
        }
        escape_hides();
    }

    /// Escape hides the figure shown, wherever the focus or the pointer is.
    fn escape_hides() {
        thread_local! {
            static LISTENING: Cell<bool> = const { Cell::new(false) };
        }
        if LISTENING.with(|l| l.replace(true)) {
            return;
        }
        let Some(document) = document() else {
            return;
        };
        let on_key = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(
            |event: web_sys::KeyboardEvent| {
                if event.key() == "Escape" {
                    hide();
                }
            },
        );
        let _ =
            document.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
        on_key.forget();
    }

    fn element(target: Option<web_sys::EventTarget>) -> Option<Element> {
        target?.dyn_into::<Element>().ok()
    }

    fn bar_of(element: &Element) -> Option<Element> {
        element.closest(".chart-bar").ok().flatten()
    }

    /// The tip, made once and kept at the end of the page.
    fn tip() -> Option<HtmlElement> {
        if let Some(tip) = by_id(TIP_ID) {
            return tip.dyn_into().ok();
        }
        let document = document()?;
        let tip: HtmlElement = document.create_element("div").ok()?.dyn_into().ok()?;
        tip.set_id(TIP_ID);
        tip.set_class_name("chart-tip");
        let _ = tip.set_attribute("aria-hidden", "true");
        tip.set_hidden(true);
        document.body()?.append_child(&tip).ok()?;
        Some(tip)
    }

    /// The bar's figure beside it, the bar marked as the current one.
    fn show(bar: &Element) -> Option<String> {
        let figure = bar
            .query_selector("title")
            .ok()
            .flatten()
            .and_then(|t| t.text_content())?;
        let tip = tip()?;
        tip.set_text_content(Some(&figure));
        let _ = tip.set_attribute(
            "data-key",
            &bar.get_attribute("data-key").unwrap_or_default(),
        );
        tip.set_hidden(false);
        let window = web_sys::window()?;
        let place = bar.get_bounding_client_rect();
        let style = tip.style();
        let _ = style.set_property(
            "left",
            &format!(
                "{}px",
                place.left() + place.width() / 2.0 + window.scroll_x().unwrap_or(0.0)
            ),
        );
        let _ = style.set_property(
            "top",
            &format!("{}px", place.top() + window.scroll_y().unwrap_or(0.0)),
        );
        clear_current();
        let _ = bar.class_list().add_1("is-current");
        Some(figure)
    }

    fn clear_current() {
        if let Some(Ok(current)) = document().map(|d| d.query_selector_all(".chart-bar.is-current"))
        {
            for at in 0..current.length() {
                if let Some(bar) = current.item(at).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = bar.class_list().remove_1("is-current");
                }
            }
        }
    }

    fn hide() {
        if let Some(tip) = by_id(TIP_ID).and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
            tip.set_hidden(true);
        }
        clear_current();
    }

    fn say(words: &str) {
        if let Some(status) = by_id(CHART_STATUS_ID) {
            status.set_text_content(Some(words));
        }
    }

    pub fn pointed(event: &web_sys::MouseEvent) {
        match element(event.target()).as_ref().and_then(bar_of) {
            Some(bar) => {
                show(&bar);
            }
            None => hide(),
        }
    }

    pub fn left(event: &web_sys::MouseEvent) {
        let going_to_bar = element(event.related_target())
            .as_ref()
            .and_then(bar_of)
            .is_some();
        if !going_to_bar {
            hide();
        }
    }

    fn chart_of(event: &web_sys::Event) -> Option<Element> {
        element(event.target()).filter(|e| e.class_list().contains("chart-image"))
    }

    /// The chart's bars, in reading order.
    fn bars(chart: &Element) -> Vec<Element> {
        let Ok(bars) = chart.query_selector_all(".chart-bar") else {
            return Vec::new();
        };
        (0..bars.length())
            .filter_map(|at| bars.item(at).and_then(|n| n.dyn_into::<Element>().ok()))
            .collect()
    }

    pub fn focused(event: &web_sys::FocusEvent) {
        if let Some(first) = chart_of(event).and_then(|chart| bars(&chart).into_iter().next()) {
            if let Some(figure) = show(&first) {
                say(&figure);
            }
        }
    }

    pub fn blurred(event: &web_sys::FocusEvent) {
        if chart_of(event).is_some() {
            hide();
        }
    }

    pub fn keyed(event: &web_sys::KeyboardEvent) {
        let Some(chart) = chart_of(event) else {
            return;
        };
        let bars = bars(&chart);
        if bars.is_empty() {
            return;
        }
        let current = bars
            .iter()
            .position(|b| b.class_list().contains("is-current"));
        let rtl = document()
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("dir"))
            .is_some_and(|d| d == "rtl");
        let (back, on) = if rtl {
            ("ArrowRight", "ArrowLeft")
        } else {
            ("ArrowLeft", "ArrowRight")
        };
        let last = bars.len() - 1;
        let next = match event.key().as_str() {
            k if k == on || k == "ArrowDown" => current.map_or(0, |c| (c + 1).min(last)),
            k if k == back || k == "ArrowUp" => current.map_or(0, |c| c.saturating_sub(1)),
            "Home" => 0,
            "End" => last,
            "Escape" => {
                hide();
                return;
            }
            _ => return,
        };
        event.prevent_default();
        if let Some(figure) = show(&bars[next]) {
            say(&figure);
        }
    }

    thread_local! {
        /// The pending pause after a choice: dropping it cancels it.
        static PENDING: std::cell::RefCell<Option<gloo_timers::callback::Timeout>> = const { std::cell::RefCell::new(None) };
    }

    /// How long the choice must rest before the dashboard is asked for: moving through a
    /// closed list with the arrow keys changes it at each step, in some browsers.
    const PAUSE_MS: u32 = 400;

    pub fn changed(event: &web_sys::Event) {
        let Some(select) = element(event.target())
            .filter(|e| e.id() == SCOPE_ID)
            .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
        else {
            return;
        };
        let pause = gloo_timers::callback::Timeout::new(PAUSE_MS, move || chosen(&select));
        PENDING.with(|p| p.replace(Some(pause)));
    }

    /// Shows the dashboard `select` now names.
    fn chosen(select: &web_sys::HtmlSelectElement) {
        let chosen = select.value();
        let address = format!(
            "/explore?dashboard={}",
            crate::domain::percent_encoded(&chosen, b"/")
        );
        let name = select
            .selected_options()
            .item(0)
            .and_then(|o| o.text_content())
            .unwrap_or_default();
        show_dashboard(address, name, true);
        crate::in_place::on_return(MARK, returned);
    }

    /// Asks for the dashboard at `address` and puts it in place of the one shown; a new
    /// history entry when `remember`. Where it cannot be had, the browser goes there.
    fn show_dashboard(address: String, name: String, remember: bool) {
        let this = LATEST.with(|l| {
            l.set(l.get() + 1);
            l.get()
        });
        say(text(use_lang(), Key::ExploreDashboardUpdating));
        if let Some(shown) = by_id(DASHBOARD_ID) {
            let _ = shown.set_attribute("aria-busy", "true");
        }
        leptos::task::spawn_local(async move {
            let fetched = fetch_page(&address).await;
            if LATEST.with(Cell::get) != this {
                return;
            }
            let placed = fetched.and_then(|page| {
                let new = page.get_element_by_id(DASHBOARD_ID)?;
                let shown = by_id(DASHBOARD_ID)?;
                let adopted = document()?.adopt_node(&new).ok()?;
                shown.replace_with_with_node_1(&adopted).ok()?;
                Some(())
            });
            if placed.is_none() {
                if let Some(location) = web_sys::window().map(|w| w.location()) {
                    let _ = location.assign(&address);
                }
                return;
            }
            hide();
            if let Some(root) = by_id(DASHBOARD_ID).and_then(|d| d.parent_element()) {
                prepare(&root);
            }
            if remember {
                crate::in_place::remember(MARK, &address);
            }
            say(&crate::i18n::fill(
                text(use_lang(), Key::ExploreDashboardShown),
                [("name", name.as_str())],
            ));
        });
    }

    /// Going back or forward through the dashboards shown here shows each again, the form
    /// saying which.
    fn returned(address: String) {
        let query = address.split_once('?').map_or("", |(_, q)| q);
        let chosen = web_sys::UrlSearchParams::new_with_str(query)
            .ok()
            .and_then(|p| p.get("dashboard"))
            .unwrap_or_else(|| "/".to_string());
        let name = by_id(SCOPE_ID)
            .and_then(|s| s.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .map(|select| {
                select.set_value(&chosen);
                select
                    .selected_options()
                    .item(0)
                    .and_then(|o| o.text_content())
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        show_dashboard(address, name, false);
    }
}
