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
