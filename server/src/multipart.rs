//! Reading `multipart/form-data` bodies (forms that send a file) once they are in memory:
//! the security layer finds the CSRF field in them, the upload handlers their fields.

use axum::body::Bytes;
use axum::http::{header, HeaderMap};

/// One part of a multipart body.
#[derive(Clone, Debug)]
pub struct Part {
    pub name: String,
    /// The file's name as the browser sent it, for a file field.
    pub file_name: Option<String>,
    pub bytes: Bytes,
}

/// Whether the request's body is multipart form data.
pub fn is_multipart(headers: &HeaderMap) -> bool {
    boundary(headers).is_some()
}

fn boundary(headers: &HeaderMap) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    multer::parse_boundary(content_type).ok()
}

/// The parts of `body`, in order; `None` when it is not multipart form data that can be
/// read.
pub async fn parts(headers: &HeaderMap, body: Bytes) -> Option<Vec<Part>> {
    let boundary = boundary(headers)?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.ok()? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.ok()?;
        parts.push(Part {
            name,
            file_name,
            bytes,
        });
    }
    Some(parts)
}

/// The text of the first field named `name`, read without copying the fields before it
/// (forms put the CSRF field first, before any file).
pub async fn text_field(headers: &HeaderMap, body: Bytes, name: &str) -> Option<String> {
    let boundary = boundary(headers)?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Some(field) = multipart.next_field().await.ok()? {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}
