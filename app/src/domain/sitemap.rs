//! The sitemap: the address of every public record's page, for search engines, in files of
//! at most [`SITEMAP_PAGES`] pages each (a sitemap may list 50,000 addresses, and each page
//! is listed once per language).

use serde::{Deserialize, Serialize};

/// Pages per sitemap file: four addresses each, one per language.
pub const SITEMAP_PAGES: i64 = 1_000;

/// The records whose pages a sitemap file lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SitemapSection {
    Members,
    Plans,
    Commitments,
}

impl SitemapSection {
    pub const ALL: [SitemapSection; 3] = [
        SitemapSection::Members,
        SitemapSection::Plans,
        SitemapSection::Commitments,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SitemapSection::Members => "members",
            SitemapSection::Plans => "plans",
            SitemapSection::Commitments => "commitments",
        }
    }

    /// The page of the record named `key` (a slug, a plan key or a commitment code).
    pub fn page_path(self, key: &str) -> String {
        format!("/{}/{key}", self.as_str())
    }

    /// The name of the section's file number `chunk` (from 0).
    pub fn file_name(self, chunk: i64) -> String {
        format!("{}-{chunk}.xml", self.as_str())
    }

    /// The section and chunk a file name names.
    pub fn from_file_name(name: &str) -> Option<(SitemapSection, i64)> {
        let (section, chunk) = name.strip_suffix(".xml")?.rsplit_once('-')?;
        let section = SitemapSection::ALL
            .into_iter()
            .find(|s| s.as_str() == section)?;
        let chunk = chunk
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| chunk.parse().ok())
            .flatten()?;
        Some((section, chunk))
    }

    /// How many files list `records` records.
    pub fn files_for(records: i64) -> i64 {
        (records.max(0) + SITEMAP_PAGES - 1) / SITEMAP_PAGES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_read_back() {
        for section in SitemapSection::ALL {
            for chunk in [0, 7, 123] {
                let name = section.file_name(chunk);
                assert_eq!(
                    SitemapSection::from_file_name(&name),
                    Some((section, chunk))
                );
            }
        }
        for bad in [
            "plans.xml",
            "plans-x.xml",
            "plans--1.xml",
            "plans-1",
            "people-0.xml",
            "plans-+1.xml",
        ] {
            assert_eq!(SitemapSection::from_file_name(bad), None, "{bad}");
        }
        assert_eq!(SitemapSection::files_for(0), 0);
        assert_eq!(SitemapSection::files_for(1), 1);
        assert_eq!(SitemapSection::files_for(SITEMAP_PAGES), 1);
        assert_eq!(SitemapSection::files_for(SITEMAP_PAGES + 1), 2);
    }
}
