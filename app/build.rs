//! Generates the translation table from `locales/*.json` and fails the build when a
//! language lacks a key, has an unknown one, or differs in its `{placeholders}`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

const LANGUAGES: [(&str, &str); 4] = [("en", "En"), ("es", "Es"), ("fr", "Fr"), ("ar", "Ar")];

fn load(code: &str) -> BTreeMap<String, String> {
    let path = Path::new("locales").join(format!("{code}.json"));
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid: {e}", path.display()))
}

fn placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
        .collect();
    // Plural forms (`one: ...|other: ...`) may each name them, or not.
    found.sort();
    found.dedup();
    found
}

fn variant(key: &str) -> String {
    key.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn main() {
    // `sqlx::migrate!` embeds the migrations; rebuild when one is added or changed.
    println!("cargo:rerun-if-changed=../migrations");
    let tables: Vec<_> = LANGUAGES.iter().map(|(code, _)| load(code)).collect();
    let english = &tables[0];
    let mut problems = Vec::new();
    for ((code, _), table) in LANGUAGES.iter().zip(&tables).skip(1) {
        for (key, text) in english {
            match table.get(key) {
                None => problems.push(format!("{code}.json lacks `{key}`")),
                Some(t) if placeholders(t) != placeholders(text) => problems.push(format!(
                    "{code}.json `{key}` has other placeholders than en.json"
                )),
                Some(_) => {}
            }
        }
        for key in table.keys().filter(|k| !english.contains_key(*k)) {
            problems.push(format!("{code}.json has `{key}`, unknown in en.json"));
        }
    }
    assert!(
        problems.is_empty(),
        "translation problems:\n{}",
        problems.join("\n")
    );

    let mut out = String::new();
    // The browser finds a key's text by the key's place: `Key`'s variants and `Key::ALL` are
    // written in this one order.
    out.push_str("/// Every translatable string.\n#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\npub enum Key {\n");
    for key in english.keys() {
        writeln!(out, "    {},", variant(key)).unwrap();
    }
    // Keys travel (in notices) by their name. Written out by hand rather than derived: a
    // derived `Deserialize` of a few hundred variants would weigh on the WASM bundle.
    out.push_str("}\n\nimpl Key {\n    pub const ALL: &'static [Key] = &[\n");
    for key in english.keys() {
        writeln!(out, "        Key::{},", variant(key)).unwrap();
    }
    out.push_str("    ];\n\n    /// The key as written in the locale files.\n    pub fn name(self) -> &'static str {\n        match self {\n");
    for key in english.keys() {
        writeln!(out, "            Key::{} => {:?},", variant(key), key).unwrap();
    }
    out.push_str("        }\n    }\n\n    pub fn from_name(name: &str) -> Option<Key> {\n        Key::ALL.iter().copied().find(|k| k.name() == name)\n    }\n");
    // The tables are left out of the browser's build: it reads the page's own language from
    // the page (`i18n::text`), and four languages were a sixth of the WASM.
    out.push_str("}\n\n/// The text of `key` in `lang`.\n#[cfg(not(feature = \"hydrate\"))]\npub fn text(lang: Lang, key: Key) -> &'static str {\n    match lang {\n");
    for ((_, lang_variant), table) in LANGUAGES.iter().zip(&tables) {
        writeln!(out, "        Lang::{lang_variant} => match key {{").unwrap();
        for (key, text) in table {
            writeln!(out, "            Key::{} => {:?},", variant(key), text).unwrap();
        }
        out.push_str("        },\n");
    }
    out.push_str("    }\n}\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("translations.rs");
    std::fs::write(dest, out).unwrap();
}
