//! What the islands that put a fetched page's parts in place of the shown ones share (the
//! live search, the dashboard explorer): the page asked for is parsed once, and its nodes
//! are moved in, never its markup parsed a second time (which could read differently).

use web_sys::{Document, Element};

pub fn document() -> Option<Document> {
    web_sys::window()?.document()
}

pub fn by_id(id: &str) -> Option<Element> {
    document()?.get_element_by_id(id)
}

/// The page at `address`, parsed; also a page answering 400, which says what was refused.
pub async fn fetch_page(address: &str) -> Option<Document> {
    let html = match gloo_net::http::Request::get(address).send().await {
        Ok(response) if response.ok() || response.status() == 400 => response.text().await.ok()?,
        _ => return None,
    };
    web_sys::DomParser::new()
        .ok()?
        .parse_from_string(&html, web_sys::SupportedType::TextHtml)
        .ok()
}

/// Puts the nodes parsed into `from` in place of `to`'s.
pub fn move_children(from: &Element, to: &Element) -> Option<()> {
    let document = document()?;
    to.set_text_content(None);
    while let Some(child) = from.first_child() {
        let adopted = document.adopt_node(&child).ok()?;
        to.append_child(&adopted).ok()?;
    }
    Some(())
}

/// Adds a history entry for `address`, marking it and the one left behind with `mark`, so
/// that going back or forward to them is the island's ([`on_return`]) and to any other entry
/// (the skip link's `#main`) the browser's.
pub fn remember(mark: &str, address: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let mark = wasm_bindgen::JsValue::from_str(mark);
        let _ = history.replace_state(&mark, "");
        let _ = history.push_state_with_url(&mark, "", Some(address));
    }
}

/// Calls `back` with the address (path and query) of each entry marked `mark` that going
/// back or forward reaches; listens once for each mark.
pub fn on_return(mark: &'static str, back: fn(String)) {
    use wasm_bindgen::JsCast;
    thread_local! {
        static LISTENING: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    if LISTENING.with(|l| {
        let mut listening = l.borrow_mut();
        let known = listening.contains(&mark);
        if !known {
            listening.push(mark);
        }
        known
    }) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_pop = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::PopStateEvent)>::new(
        move |event: web_sys::PopStateEvent| {
            if event.state().as_string().as_deref() != Some(mark) {
                return;
            }
            if let Some(location) = web_sys::window().map(|w| w.location()) {
                back(format!(
                    "{}{}",
                    location.pathname().unwrap_or_default(),
                    location.search().unwrap_or_default()
                ));
            }
        },
    );
    let _ = window.add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();
}
