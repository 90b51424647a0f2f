//! Text written into the XML the site serves (feeds, sitemaps, charts).

/// `text` fit for XML text and attribute values: markup characters escaped, and the
/// characters XML 1.0 does not allow at all (most control characters, which a narrative
/// may hold) left out, so no text can make a document unreadable.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_break_the_xml() {
        assert_eq!(
            text("a < b & \"c\" > d\u{0}\u{b}\u{1f}\u{ffff}\té\n"),
            "a &lt; b &amp; &quot;c&quot; &gt; d\té\n"
        );
    }
}
