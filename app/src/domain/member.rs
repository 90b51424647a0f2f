//! OGP members: national and local governments.

use super::levels::*;
use crate::i18n::Key;
use serde::{Deserialize, Serialize};

level_enum! {
    MemberKind {
        National = "national" => KindNational,
        Local = "local" => KindLocal | "legacy local",
        Other = "other" => KindOther,
    }
}

level_enum! {
    Region {
        Africa = "africa_middle_east" => RegionAfrica | "africa and the middle east",
        Americas = "americas" => RegionAmericas,
        AsiaPacific = "asia_pacific" => RegionAsiaPacific | "asia and the pacific",
        Europe = "europe" => RegionEurope,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// ISO-3166 alpha-3 for nationals (`ARG`), OGP's own code for locals (`ARBA`).
    pub code: String,
    pub name: String,
    pub slug: String,
    pub kind: MemberKind,
    pub region: Option<Region>,
    /// Prefix of the member's commitment IDs (`AR`, `PNG`, `BUE`).
    pub commitment_prefix: String,
    /// Generated demo data, labelled as such wherever it is shown.
    pub demo: bool,
}

/// A member as listed, with counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberSummary {
    pub member: Member,
    pub plans: i64,
    pub commitments: i64,
}

/// Turns a name into a URL slug: lower-case ASCII letters and digits joined by dashes.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_dashed() {
        assert_eq!(slugify("Buenos Aires, Argentina"), "buenos-aires-argentina");
        assert_eq!(slugify("Cote d'Ivoire"), "cote-d-ivoire");
        assert_eq!(slugify("Côte d’Ivoire"), "cote-d-ivoire");
    }

    #[test]
    fn kinds_and_regions_read_ogp_labels() {
        assert_eq!(
            MemberKind::parse_label("Legacy Local"),
            Some(MemberKind::Local)
        );
        assert_eq!(
            Region::parse_label("Africa and the Middle East"),
            Some(Region::Africa)
        );
        assert_eq!(
            Region::parse_label("Asia and the Pacific"),
            Some(Region::AsiaPacific)
        );
    }
}
