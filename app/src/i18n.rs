//! The translation layer: every user-facing string goes through [`t`].
//!
//! Texts live in `app/locales/<lang>.json`; the build script turns them into [`Key`] and,
//! for the server, [`text`], and refuses to build when a language lacks a key. The browser
//! holds no language: it reads the page's own from the page ([`page_texts`]).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/translations.rs"));

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        let name = String::deserialize(deserializer)?;
        Key::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown text key {name:?}")))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
    Fr,
    Ar,
}

/// Name of the cookie that remembers the reader's language.
pub const LANG_COOKIE: &str = "lang";

/// The query parameter that names a page's language in its address.
pub const LANG_PARAM: &str = "lang";

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Es, Lang::Fr, Lang::Ar];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::Ar => "ar",
        }
    }

    /// The language's own name, the same in every interface language.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
            Lang::Fr => "Français",
            Lang::Ar => "العربية",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The locale link previews name (Open Graph's `language_TERRITORY`).
    pub fn locale(self) -> &'static str {
        match self {
            Lang::En => "en_US",
            Lang::Es => "es_ES",
            Lang::Fr => "fr_FR",
            Lang::Ar => "ar_AR",
        }
    }

    pub fn is_rtl(self) -> bool {
        self == Lang::Ar
    }

    pub fn dir(self) -> &'static str {
        if self.is_rtl() {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// Picks the best supported language from an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut candidates: Vec<(f32, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, part)| {
                let mut pieces = part.split(';');
                let lang = Lang::from_code(pieces.next()?)?;
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (quality > 0.0).then_some((quality, position, lang))
            })
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        candidates.first().map(|c| c.2)
    }

    /// The reader's language: the one an address names (`?lang=es`, so that each
    /// language of a page has an address of its own, for search engines and shared links),
    /// else the remembered cookie, else the browser's preference.
    pub fn negotiate(
        query: Option<&str>,
        cookie_header: Option<&str>,
        accept_language: Option<&str>,
    ) -> Lang {
        query
            .and_then(Lang::from_query)
            .or_else(|| {
                cookie_header.and_then(|cookies| {
                    cookies.split(';').find_map(|c| {
                        let (name, value) = c.trim().split_once('=')?;
                        (name == LANG_COOKIE)
                            .then(|| Lang::from_code(value))
                            .flatten()
                    })
                })
            })
            .or_else(|| accept_language.and_then(Lang::from_accept_language))
            .unwrap_or_default()
    }

    /// The address of the page at `path` with query `search` (with or without its `?`) in
    /// this language: the query without any language it named, and this one added.
    pub fn address(self, path: &str, search: &str) -> String {
        format!("{path}?{}", with_query_lang(search, Some(self)))
    }

    /// The language a query string names with [`LANG_PARAM`], exactly by its code.
    pub fn from_query(query: &str) -> Option<Lang> {
        query.split('&').find_map(|pair| {
            let code = pair.strip_prefix(LANG_PARAM)?.strip_prefix('=')?;
            Lang::ALL.into_iter().find(|l| l.code() == code)
        })
    }
}

/// `search` (a query, with or without its `?`) without the language it names, with `lang`
/// named instead when given.
pub fn with_query_lang(search: &str, lang: Option<Lang>) -> String {
    let mut pairs: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(LANG_PARAM))
        .map(str::to_string)
        .collect();
    if let Some(lang) = lang {
        pairs.push(format!("{LANG_PARAM}={}", lang.code()));
    }
    pairs.join("&")
}

/// The page's language, provided once by the app root; an island in the browser, outside
/// the root, reads it from the page.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_else(crate::request_lang)
}

/// The id of the element holding the texts of the page's language, in a page that loads
/// the script.
pub const PAGE_TEXTS_ID: &str = "page-texts";

/// The texts of `lang` in the order of [`Key::ALL`], as the JSON array a page that loads
/// the script carries for its islands. Made once per language: every signed-in page
/// carries one, and they never change while the server runs.
#[cfg(not(feature = "hydrate"))]
pub fn page_texts(lang: Lang) -> &'static str {
    static MADE: [std::sync::OnceLock<String>; Lang::ALL.len()] =
        [const { std::sync::OnceLock::new() }; Lang::ALL.len()];
    let at = Lang::ALL
        .iter()
        .position(|l| *l == lang)
        .unwrap_or_default();
    MADE[at].get_or_init(|| {
        let texts: Vec<&str> = Key::ALL.iter().map(|key| text(lang, *key)).collect();
        texts_json(&texts)
    })
}

/// `texts` as a JSON array fit to sit inside a `<script>` element: `<` is escaped, so no
/// text can close the element or open a comment in it.
#[cfg(not(feature = "hydrate"))]
fn texts_json(texts: &[&str]) -> String {
    serde_json::to_string(texts)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

/// In the browser, the text of `key` in the page's language (a page renders in one, so
/// `lang` is not consulted), read once from the texts the server wrote into the page
/// ([`page_texts`]): the bundle holds no language. A text the page lacks shows as its
/// key's name.
#[cfg(feature = "hydrate")]
pub fn text(_lang: Lang, key: Key) -> &'static str {
    thread_local! {
        static TEXTS: Vec<&'static str> = read_page_texts();
    }
    // A key's discriminant is its place in `Key::ALL` (the build script writes both in
    // one order).
    TEXTS.with(|texts| texts.get(key as usize).copied().unwrap_or(key.name()))
}

#[cfg(feature = "hydrate")]
fn read_page_texts() -> Vec<&'static str> {
    let Some(json) = document()
        .get_element_by_id(PAGE_TEXTS_ID)
        .and_then(|element| element.text_content())
    else {
        return Vec::new();
    };
    let Ok(parsed) = js_sys::JSON::parse(&json) else {
        return Vec::new();
    };
    let texts = js_sys::Array::from(&parsed);
    // Texts of another build would each show under the wrong key: names are better.
    if texts.length() as usize != Key::ALL.len() {
        return Vec::new();
    }
    // Kept for the page's life: islands render from them until it is left.
    texts
        .iter()
        .map(|text| &*Box::leak(text.as_string().unwrap_or_default().into_boxed_str()))
        .collect()
}

/// Runs `make` with `lang` as the language [`t`] reads: for text written outside a page
/// (the Atom feeds), with the same words and helpers the pages use.
#[cfg(feature = "ssr")]
pub fn in_language<T>(lang: Lang, make: impl FnOnce() -> T) -> T {
    let owner = Owner::new();
    owner.with(|| {
        provide_context(lang);
        make()
    })
}

/// The text of `key` in the page's language.
pub fn t(key: Key) -> &'static str {
    text(use_lang(), key)
}

/// The text of `key` with `{name}` placeholders filled in.
pub fn t_with(key: Key, values: &[(&str, &str)]) -> String {
    fill(t(key), values.iter().copied())
}

/// The CLDR plural category of the whole number `n` in `lang`: `zero`, `one`, `two`,
/// `few`, `many` or `other`.
pub fn plural_category(lang: Lang, n: i64) -> &'static str {
    let n = n.unsigned_abs();
    match lang {
        Lang::En | Lang::Es if n == 1 => "one",
        Lang::Fr if n <= 1 => "one",
        Lang::Ar => match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        _ => "other",
    }
}

const PLURAL_CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// The form of a text for `category`. A text with plural forms lists them as
/// `one: {count} member|other: {count} members`; a form the language lacks falls back to
/// `other`, and a text without forms is its own.
pub fn plural_form<'a>(text: &'a str, category: &str) -> &'a str {
    let forms = text.split('|').filter_map(|part| {
        let (name, form) = part.split_once(':')?;
        PLURAL_CATEGORIES
            .contains(&name.trim())
            .then(|| (name.trim(), form.trim()))
    });
    let mut other = None;
    for (name, form) in forms {
        if name == category {
            return form;
        }
        if name == "other" {
            other = Some(form);
        }
    }
    other.unwrap_or(text)
}

/// The text of `key` in the form its language uses for `count` things, with `{count}` (as
/// the language writes numbers) and the other placeholders filled in.
pub fn t_count(key: Key, count: i64, values: &[(&str, &str)]) -> String {
    let form = plural_form(t(key), plural_category(use_lang(), count));
    let count = format_count(count);
    fill(
        form,
        std::iter::once(("count", count.as_str())).chain(values.iter().copied()),
    )
}

/// `text` with its `{name}` placeholders filled in.
pub fn fill<'a>(text: &str, values: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Formats a number the way the page's language writes it (thousands separators).
pub fn format_count(n: i64) -> String {
    let separator = match use_lang() {
        Lang::En => ",",
        Lang::Es => ".",
        Lang::Fr => "\u{202f}",
        Lang::Ar => "٬",
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// An amount of money the way the page's language writes it: thousands grouped, and cents
/// after the language's decimal sign when there are any.
pub fn format_amount(amount: f64) -> String {
    let cents = (amount.abs() * 100.0).round() as i64;
    let whole = format_count(cents / 100);
    let sign = if amount < 0.0 { "-" } else { "" };
    let decimal = match use_lang() {
        Lang::En => ".",
        Lang::Es | Lang::Fr => ",",
        Lang::Ar => "٫",
    };
    match cents % 100 {
        0 => format!("{sign}{whole}"),
        rest => format!("{sign}{whole}{decimal}{rest:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_texts_cannot_end_their_element() {
        let json = texts_json(&["</script><!-- a", "plain"]);
        assert!(!json.contains('<'), "{json}");
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ["</script><!-- a", "plain"]);
        let all: Vec<String> = serde_json::from_str(page_texts(Lang::Fr)).unwrap();
        assert_eq!(all.len(), Key::ALL.len());
    }

    #[test]
    fn accept_language_prefers_highest_quality_supported() {
        assert_eq!(
            Lang::from_accept_language("de-DE,fr;q=0.8,es;q=0.9"),
            Some(Lang::Es)
        );
        assert_eq!(Lang::from_accept_language("ar-EG"), Some(Lang::Ar));
        assert_eq!(Lang::from_accept_language("de,ja"), None);
    }

    #[test]
    fn each_language_of_a_page_has_its_own_address() {
        assert_eq!(Lang::Es.address("/members", ""), "/members?lang=es");
        assert_eq!(
            Lang::Ar.address("/members", "?region=europe&lang=fr&page=2"),
            "/members?region=europe&page=2&lang=ar"
        );
        assert_eq!(with_query_lang("?lang=fr", None), "");
        assert_eq!(with_query_lang("slang=x&lang", None), "slang=x");
    }

    #[test]
    fn cookie_wins_over_browser_preference() {
        assert_eq!(
            Lang::negotiate(None, Some("a=b; lang=fr"), Some("es")),
            Lang::Fr
        );
        assert_eq!(Lang::negotiate(None, Some("lang=xx"), Some("es")), Lang::Es);
        assert_eq!(Lang::negotiate(None, None, None), Lang::En);
        // The address wins over the cookie and the browser; a code it does not know, or
        // a parameter of another name, is passed over.
        assert_eq!(
            Lang::negotiate(Some("page=2&lang=ar"), Some("lang=fr"), Some("es")),
            Lang::Ar
        );
        assert_eq!(
            Lang::negotiate(Some("lang=xx"), Some("lang=fr"), None),
            Lang::Fr
        );
        assert_eq!(
            Lang::negotiate(Some("slang=ar"), None, Some("es")),
            Lang::Es
        );
        assert_eq!(Lang::negotiate(Some("lang=AR"), None, None), Lang::En);
    }

    #[test]
    fn every_language_has_its_own_text() {
        assert_ne!(
            text(Lang::En, Key::NavMembers),
            text(Lang::Ar, Key::NavMembers)
        );
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::Fr.dir(), "ltr");
    }

    #[test]
    fn every_key_travels_by_its_name() {
        for key in Key::ALL {
            let json = serde_json::to_string(key).unwrap();
            assert_eq!(json, format!("{:?}", key.name()));
            assert_eq!(serde_json::from_str::<Key>(&json).unwrap(), *key);
        }
        assert_eq!(Key::from_name("app_name"), Some(Key::AppName));
    }

    #[test]
    fn plural_forms_follow_each_languages_rules() {
        let text = "zero: none|one: {count} thing|two: a pair|few: {count} few|many: {count} many|other: {count} things";
        let form = |lang, n| plural_form(text, plural_category(lang, n));
        assert_eq!(form(Lang::En, 1), "{count} thing");
        assert_eq!(form(Lang::En, 0), "{count} things");
        assert_eq!(form(Lang::Fr, 0), "{count} thing");
        assert_eq!(form(Lang::Es, 2), "{count} things");
        assert_eq!(form(Lang::Ar, 0), "none");
        assert_eq!(form(Lang::Ar, 2), "a pair");
        assert_eq!(form(Lang::Ar, 103), "{count} few");
        assert_eq!(form(Lang::Ar, 11), "{count} many");
        assert_eq!(form(Lang::Ar, 100), "{count} things");
        // A language's missing form is its `other`; a text without forms is itself, colons
        // and all.
        assert_eq!(plural_form("one: a|other: b", "few"), "b");
        assert_eq!(plural_form("Total: {count}", "one"), "Total: {count}");
        // Every text with forms has an `other`, in every language.
        for lang in Lang::ALL {
            for key in Key::ALL {
                let text = super::text(lang, *key);
                if text.contains('|') {
                    assert!(text.contains("other:"), "{} {}", lang.code(), key.name());
                }
            }
        }
        assert!(serde_json::from_str::<Key>("\"no_such_key\"").is_err());
    }
}
