//! Evidence files: what is accepted (PDF, images, office documents, CSV), told from the
//! content and not only the name, and how a stored file is served so that a browser never
//! runs it: `nosniff`, a sandboxing Content-Security-Policy, and as an attachment unless it
//! is an image browsers only display. PDFs are downloaded too: under a sandboxing policy
//! browsers do not show them (Chromium blocks its viewer), and without one a PDF's own
//! scripts would run in the viewer.

use app::error::AppError;
use app::i18n::Key;
use app::storage::NewEvidenceFile;
use sha2::{Digest, Sha256};

/// The form field files are sent in.
pub const FILES_FIELD: &str = "files";

/// A file as a form sent it.
#[derive(Clone, Debug)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The files of an update, checked: each of a kind taken and at most 10 MB, at most
/// [`MAX_FILES`] adding up to at most 50 MB. A file input left empty sends one part with
/// no name and no content, which is no file.
pub fn check(uploads: Vec<Upload>) -> Result<Vec<NewEvidenceFile>, AppError> {
    let uploads: Vec<Upload> = uploads
        .into_iter()
        .filter(|u| !(u.name.is_empty() && u.bytes.is_empty()))
        .collect();
    let refuse = |reason| AppError::invalid(FILES_FIELD, reason);
    if uploads.len() > MAX_FILES {
        return Err(refuse(Key::ErrTooManyFiles));
    }
    if uploads.iter().map(|u| u.bytes.len()).sum::<usize>() > MAX_UPDATE_BYTES {
        return Err(refuse(Key::ErrFilesTooLarge));
    }
    uploads
        .into_iter()
        .map(|upload| {
            let name = clean_name(&upload.name).ok_or_else(|| refuse(Key::ErrFileName))?;
            let kind = kind_of(&name, &upload.bytes).map_err(|refusal| {
                refuse(match refusal {
                    Refusal::Empty => Key::ErrFileEmpty,
                    Refusal::TooLarge => Key::ErrFileTooLarge,
                    Refusal::Kind => Key::ErrFileKind,
                })
            })?;
            let sha256 = app::storage::to_hex(&Sha256::digest(&upload.bytes));
            Ok(NewEvidenceFile {
                name,
                media_type: kind.media_type().to_string(),
                sha256,
                content: upload.bytes,
            })
        })
        .collect()
}

/// The largest file taken.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The most an update's files may add up to.
pub const MAX_UPDATE_BYTES: usize = 50 * 1024 * 1024;
/// The most files one update takes.
pub const MAX_FILES: usize = 10;
pub const MAX_NAME_CHARS: usize = 200;

/// A kind of file the tracker keeps as evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    /// Word, Excel or PowerPoint since 2007, or an OpenDocument file: a ZIP container.
    OfficeZip(&'static str),
    /// Word, Excel or PowerPoint before 2007: an OLE compound file.
    OfficeLegacy(&'static str),
    Csv,
}

impl FileKind {
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Gif => "image/gif",
            FileKind::Webp => "image/webp",
            FileKind::OfficeZip(media) | FileKind::OfficeLegacy(media) => media,
            FileKind::Csv => "text/csv; charset=utf-8",
        }
    }

    /// Shown in the browser rather than downloaded: images, which browsers only display.
    pub fn inline(media_type: &str) -> bool {
        matches!(
            media_type,
            "image/png" | "image/jpeg" | "image/gif" | "image/webp"
        )
    }
}

/// The name's extension, lower-case.
fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default()
}

const OFFICE_ZIP: [(&str, &str); 6] = [
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("odp", "application/vnd.oasis.opendocument.presentation"),
];

const OFFICE_LEGACY: [(&str, &str); 3] = [
    ("doc", "application/msword"),
    ("xls", "application/vnd.ms-excel"),
    ("ppt", "application/vnd.ms-powerpoint"),
];

/// Why a file is not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    TooLarge,
    /// Its content is none of the kinds taken, or not the kind its name says.
    Kind,
}

/// The kind of a file from its content, checked against its name's extension: a web page
/// named `report.pdf` or a script named `data.csv` is refused.
pub fn kind_of(name: &str, content: &[u8]) -> Result<FileKind, Refusal> {
    if content.is_empty() {
        return Err(Refusal::Empty);
    }
    if content.len() > MAX_FILE_BYTES {
        return Err(Refusal::TooLarge);
    }
    let ext = extension(name);
    let starts = |magic: &[u8]| content.starts_with(magic);
    let kind = if starts(b"%PDF-") {
        FileKind::Pdf
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        FileKind::Png
    } else if starts(&[0xff, 0xd8, 0xff]) {
        FileKind::Jpeg
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        FileKind::Gif
    } else if starts(b"RIFF") && content.get(8..12) == Some(b"WEBP") {
        FileKind::Webp
    } else if starts(b"PK\x03\x04") {
        let media = OFFICE_ZIP
            .iter()
            .find(|(e, _)| *e == ext)
            .map(|(_, media)| *media)
            .ok_or(Refusal::Kind)?;
        FileKind::OfficeZip(media)
    } else if starts(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) {
        let media = OFFICE_LEGACY
            .iter()
            .find(|(e, _)| *e == ext)
            .map(|(_, media)| *media)
            .ok_or(Refusal::Kind)?;
        FileKind::OfficeLegacy(media)
    } else if is_plain_csv(content) {
        FileKind::Csv
    } else {
        return Err(Refusal::Kind);
    };
    let name_fits = match kind {
        FileKind::Pdf => ext == "pdf",
        FileKind::Png => ext == "png",
        FileKind::Jpeg => matches!(ext.as_str(), "jpg" | "jpeg"),
        FileKind::Gif => ext == "gif",
        FileKind::Webp => ext == "webp",
        FileKind::OfficeZip(_) | FileKind::OfficeLegacy(_) => true,
        FileKind::Csv => ext == "csv",
    };
    if name_fits {
        Ok(kind)
    } else {
        Err(Refusal::Kind)
    }
}

/// UTF-8 text with no control characters but line ends and tabs, that does not open like
/// markup: a CSV file, not a web page or an SVG image.
fn is_plain_csv(content: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(content) else {
        return false;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start = text.trim_start().to_ascii_lowercase();
    !start.starts_with('<')
        && !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// The name kept for a file: its last path part (a browser may send a whole path), without
/// control characters, at most [`MAX_NAME_CHARS`]; `None` when nothing is left.
pub fn clean_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        return None;
    }
    let mut kept: String = cleaned.chars().rev().take(MAX_NAME_CHARS).collect();
    kept = kept.chars().rev().collect();
    Some(kept)
}

/// The `Content-Disposition` of a served file: inline or attachment, with its name both as
/// plain ASCII and percent-encoded UTF-8 (RFC 6266).
pub fn disposition(name: &str, media_type: &str) -> String {
    let how = if FileKind::inline(media_type) {
        "inline"
    } else {
        "attachment"
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The policy a served file runs under: nothing loads, nothing runs.
pub const FILE_CSP: &str = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_from_the_content_and_must_match_the_name() {
        assert_eq!(kind_of("report.pdf", b"%PDF-1.7\n..."), Ok(FileKind::Pdf));
        assert_eq!(
            kind_of("photo.JPG", &[0xff, 0xd8, 0xff, 0xe0, 0]),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(
            kind_of("sheet.xlsx", b"PK\x03\x04rest").map(FileKind::media_type),
            Ok("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        assert_eq!(kind_of("data.csv", b"a,b\n1,2\n"), Ok(FileKind::Csv));
        // Disguised by the name, or not a kind taken at all.
        assert_eq!(
            kind_of("report.pdf", b"<!DOCTYPE html><script>alert(1)</script>"),
            Err(Refusal::Kind)
        );
        assert_eq!(kind_of("page.html", b"<html></html>"), Err(Refusal::Kind));
        assert_eq!(
            kind_of("logo.svg", b"<svg onload=\"alert(1)\"></svg>"),
            Err(Refusal::Kind)
        );
        assert_eq!(
            kind_of("data.csv", b"<svg onload=\"alert(1)\"></svg>"),
            Err(Refusal::Kind),
            "markup named .csv"
        );
        assert_eq!(kind_of("image.png", b"%PDF-1.4"), Err(Refusal::Kind));
        assert_eq!(kind_of("archive.zip", b"PK\x03\x04"), Err(Refusal::Kind));
        assert_eq!(kind_of("tool.exe", b"MZ\x90\x00"), Err(Refusal::Kind));
        assert_eq!(kind_of("empty.pdf", b""), Err(Refusal::Empty));
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert_eq!(kind_of("big.csv", &big), Err(Refusal::TooLarge));
    }

    #[test]
    fn names_lose_their_path_and_are_served_safely() {
        assert_eq!(
            clean_name("C:\\Users\\ana\\report.pdf").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(clean_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(clean_name("..").as_deref(), None);
        assert_eq!(clean_name("a\r\nb.pdf").as_deref(), Some("ab.pdf"));
        assert_eq!(
            disposition("informe año.pdf", "application/pdf"),
            "attachment; filename=\"informe a_o.pdf\"; filename*=UTF-8''informe%20a%C3%B1o.pdf"
        );
        assert!(disposition("photo.png", "image/png").starts_with("inline;"));
        assert!(disposition("data.csv", "text/csv; charset=utf-8").starts_with("attachment;"));
        assert!(disposition("x.docx", "application/msword").starts_with("attachment;"));
    }
}
