//! A plan's bulk CSV upload, as previewed before it is applied: what each row would do.

use crate::i18n::Key;
use serde::{Deserialize, Serialize};

/// What one row of an uploaded plan file does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowKind {
    /// A new commitment or a new milestone.
    New,
    /// Changes to what is stored, field by field, or a new progress update.
    Changed,
    Unchanged,
    /// Refused, with the reason; then nothing of the file is applied.
    Refused,
}

impl RowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::New => "new",
            RowKind::Changed => "changed",
            RowKind::Unchanged => "unchanged",
            RowKind::Refused => "refused",
        }
    }

    pub fn label_key(self) -> Key {
        match self {
            RowKind::New => Key::RowNew,
            RowKind::Changed => Key::RowChanged,
            RowKind::Unchanged => Key::RowUnchanged,
            RowKind::Refused => Key::RowRefused,
        }
    }
}

/// One column's value before and after.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub column: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Why a row is refused: the column at fault (when one is) and the reason, a message
/// with its `{name}` values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowRefusal {
    pub column: Option<String>,
    pub reason: Key,
    pub values: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowOutcome {
    /// The row's line in the file (the header is line 1).
    pub line: usize,
    /// The commitment's code; empty for a new one.
    pub commitment: String,
    pub commitment_title: String,
    pub milestone: Option<String>,
    pub kind: RowKind,
    pub changes: Vec<FieldChange>,
    /// The narrative of the progress update the row posts, if any.
    pub update: Option<String>,
    pub refusal: Option<RowRefusal>,
}

/// Every row of an uploaded plan file, and whether it was applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadPreview {
    pub plan_key: String,
    pub file_name: String,
    pub rows: Vec<RowOutcome>,
    pub applied: bool,
    /// The plan as the preview saw it: applying is refused once it has changed since.
    pub state: String,
}

impl UploadPreview {
    pub fn count(&self, kind: RowKind) -> usize {
        self.rows.iter().filter(|row| row.kind == kind).count()
    }

    pub fn refused(&self) -> bool {
        self.count(RowKind::Refused) > 0
    }

    /// Whether applying it would change anything.
    pub fn changes_anything(&self) -> bool {
        self.rows
            .iter()
            .any(|row| matches!(row.kind, RowKind::New | RowKind::Changed))
    }
}
