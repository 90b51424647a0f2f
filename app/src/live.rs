//! In the browser: forms checked as people type, with the same Rust validation the server
//! runs on the post, and the milestone update form sent with `fetch`, so a failure to send
//! it keeps the files chosen. These are islands: the only parts of a page the browser
//! hydrates. Without JavaScript none of this runs and the forms post as they always do;
//! the server checks everything again either way.

use crate::domain::{ActionPlan, Commitment, ScaleSet};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Which of the server's validations a form runs in the browser as people type, with what
/// it needs. It travels to the browser as the island's prop, in the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FormCheck {
    NewCommitment {
        prefix: String,
    },
    CommitmentEdit {
        prefix: String,
        stored: Box<Commitment>,
    },
    Withdrawal,
    Milestone,
    /// The milestone update form, also sent with `fetch` (then its page is loaded again)
    /// when `send_in_page`.
    MilestoneUpdate {
        send_in_page: bool,
    },
    SelfAssessment {
        scale: ScaleSet,
    },
    Member,
    NewPlan {
        member_code: String,
    },
    PlanEdit {
        stored: Box<ActionPlan>,
    },
}

impl FormCheck {
    /// Reads the form `event` came from as the server would and marks the field the
    /// validation refuses.
    #[cfg(feature = "hydrate")]
    fn run(&self, event: &web_sys::Event) {
        use crate::input::*;
        use browser::check;
        match self {
            FormCheck::NewCommitment { prefix } => check(event, |i: &CommitmentInput, _| {
                i.validate(prefix, None).map(drop)
            }),
            FormCheck::CommitmentEdit { prefix, stored } => {
                check(event, |i: &CommitmentInput, _| {
                    i.validate(prefix, Some(stored)).map(drop)
                })
            }
            FormCheck::Withdrawal => check(event, |i: &WithdrawalInput, _| i.validate().map(drop)),
            FormCheck::Milestone => check(event, |i: &MilestoneInput, _| i.validate().map(drop)),
            FormCheck::MilestoneUpdate { .. } => check(event, |i: &MilestoneUpdateInput, files| {
                i.validate_with_files(files).map(drop)
            }),
            FormCheck::SelfAssessment { scale } => check(event, |i: &SelfAssessmentInput, _| {
                i.validate(*scale).map(drop)
            }),
            FormCheck::Member => check(event, |i: &MemberInput, _| i.validate().map(drop)),
            FormCheck::NewPlan { member_code } => {
                check(event, |i: &PlanInput, _| i.validate(member_code).map(drop))
            }
            FormCheck::PlanEdit { stored } => {
                check(event, |i: &PlanInput, _| i.validate_edit(stored).map(drop))
            }
        }
    }
}

/// The form in `children`, checked as people type: after each keystroke it is read as the
/// server would read it (with how many files it holds) and validated. The field refused,
/// once the person has typed in it, is marked invalid and its reason shown under it (in
/// the field's `data-live-for` element); other fields are cleared. Fields not yet touched
/// are left alone, so a fresh form is not shouted at.
///
/// The milestone update form may also be sent with `fetch` (files and all): once saved, the
/// page is loaded again, showing the update and saying it was saved; while it is on its
/// way, another submit is ignored. A refusal is sent again as the plain post it is, so the
/// server's page shows the reason in the reader's language (a refused post writes nothing,
/// so sending it twice is safe); a busy server, a timeout or a body too large is said in
/// the form instead, keeping what was chosen.
#[island]
pub fn CheckedForm(check: FormCheck, children: Children) -> impl IntoView {
    let sends = matches!(check, FormCheck::MilestoneUpdate { send_in_page: true });
    let on_input = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        check.run(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = (&event, &check);
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        if sends {
            browser::send(event);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&event, sends);
    };
    view! { <div class="checked-form" on:input=on_input on:submit=on_submit>{children()}</div> }
}

/// `form`, checked as people type: see [`CheckedForm`].
pub fn checked(check: FormCheck, form: impl IntoView + 'static) -> impl IntoView {
    view! { <CheckedForm check>{form}</CheckedForm> }
}

/// An `input` or `change` handler for a form whose fields read into `I`: after each change,
/// `changed` gets what the form holds now, read as the server would read it.
pub fn on_form_change<I, F>(changed: F) -> impl Fn(leptos::ev::Event) + 'static
where
    I: serde::de::DeserializeOwned + 'static,
    F: Fn(I) + 'static,
{
    move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some((input, _)) = browser::form_of(&event).and_then(|f| browser::typed::<I>(&f)) {
            changed(input);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&event, &changed);
    }
}

/// Drafts typed but not yet saved, kept in this browser's local storage (with
/// `gloo-storage`) under a key per form, as the form's (name, value) pairs, so a reload or
/// a lost connection loses nothing. Nothing reaches the server until the person saves.
/// On the server, and where storage is refused, these keep nothing.
pub mod drafts {
    use serde::{de::DeserializeOwned, Serialize};

    /// Every kept draft's key starts so; [`forget_all`] forgets them.
    pub const PREFIX: &str = "ogp-tracker.draft.";

    pub fn keep<T: Serialize>(key: &str, value: &T) {
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::Storage;
            let _ = gloo_storage::LocalStorage::set(key, value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (key, value);
    }

    pub fn kept<T: DeserializeOwned>(key: &str) -> Option<T> {
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::Storage;
            gloo_storage::LocalStorage::get(key).ok()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = key;
            None
        }
    }

    pub fn forget(key: &str) {
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::Storage;
            gloo_storage::LocalStorage::delete(key);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = key;
    }

    /// Forgets every kept draft: once nobody is signed in, the next person at this browser
    /// must not be offered what the last one typed.
    pub fn forget_all() {
        forget_where(|_| true);
    }

    /// Forgets the drafts kept for any account but `account` (each key names its account
    /// right after the prefix).
    pub fn forget_all_but(account: i64) {
        let own = format!("{account}.");
        forget_where(|rest| !rest.starts_with(&own));
    }

    /// Forgets the kept drafts whose key, after the prefix, `forget` accepts.
    fn forget_where(forget: impl Fn(&str) -> bool) {
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::Storage;
            let storage = gloo_storage::LocalStorage::raw();
            let keys: Vec<String> = (0..storage.length().unwrap_or(0))
                .filter_map(|i| storage.key(i).ok().flatten())
                .filter(|key| key.strip_prefix(PREFIX).is_some_and(&forget))
                .collect();
            for key in keys {
                let _ = storage.remove_item(&key);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = forget;
    }

    /// Puts `fields` into the choices and text areas of the form `form_id`, by name (those
    /// `fields` do not name are emptied), and into the hidden fields they name.
    pub fn fill(form_id: &str, fields: &[(String, String)]) {
        #[cfg(feature = "hydrate")]
        super::browser::fill(form_id, fields);
        #[cfg(not(feature = "hydrate"))]
        let _ = (form_id, fields);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::error::AppError;
    use crate::i18n::{text, use_lang};
    use serde::de::DeserializeOwned;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, FormData, HtmlFormElement};

    /// What `form` holds, as the server would read it, and how many files.
    pub(super) fn typed<I: DeserializeOwned>(form: &HtmlFormElement) -> Option<(I, usize)> {
        let data = FormData::new_with_form(form).ok()?;
        let mut fields = serde_json::Map::new();
        let mut files = 0;
        for entry in js_sys::try_iter(&data).ok()??.flatten() {
            let pair: js_sys::Array = entry.unchecked_into();
            let (name, value) = (pair.get(0), pair.get(1));
            match (name.as_string(), value.as_string()) {
                (Some(name), Some(value)) => {
                    fields.insert(name, serde_json::Value::String(value));
                }
                (Some(_), None) => {
                    let file: web_sys::File = value.unchecked_into();
                    if file.size() > 0.0 {
                        files += 1;
                    }
                }
                _ => {}
            }
        }
        let input = serde_json::from_value(serde_json::Value::Object(fields)).ok()?;
        Some((input, files))
    }

    /// The form an event came from: the island wraps it, so the event bubbles up from it.
    pub(super) fn form_of(event: &web_sys::Event) -> Option<HtmlFormElement> {
        let target = event.target()?.dyn_into::<Element>().ok()?;
        target
            .closest("form")
            .ok()??
            .dyn_into::<HtmlFormElement>()
            .ok()
    }

    fn each(form: &HtmlFormElement, selector: &str, mut f: impl FnMut(Element)) {
        if let Ok(found) = form.query_selector_all(selector) {
            for i in 0..found.length() {
                if let Some(element) = found.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    f(element);
                }
            }
        }
    }

    pub fn fill(form_id: &str, fields: &[(String, String)]) {
        let Some(form) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(form_id))
            .and_then(|e| e.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        let value_of = |name: Option<String>| {
            let name = name?;
            fields
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        };
        each(&form, "select[name], textarea[name]", |element| {
            let value = value_of(element.get_attribute("name")).unwrap_or_default();
            if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
                select.set_value(&value);
            } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                area.set_value(&value);
            }
        });
        each(&form, "input[type=hidden][name]", |element| {
            if let (Some(value), Some(input)) = (
                value_of(element.get_attribute("name")),
                element.dyn_ref::<web_sys::HtmlInputElement>(),
            ) {
                input.set_value(&value);
            }
        });
    }

    pub fn check<I: DeserializeOwned>(
        event: &web_sys::Event,
        validate: impl Fn(&I, usize) -> Result<(), AppError>,
    ) {
        let Some(form) = form_of(event) else {
            return;
        };
        if let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) {
            let _ = target.set_attribute("data-touched", "true");
        }
        let Some((input, files)) = typed::<I>(&form) else {
            return;
        };
        // Clear what an earlier keystroke marked.
        each(&form, "[data-live-invalid]", |element| {
            let _ = element.remove_attribute("data-live-invalid");
            let _ = element.set_attribute("aria-invalid", "false");
        });
        each(&form, "[data-live-for]", |element| {
            element.set_text_content(None)
        });
        let Err(AppError::Invalid { field, reason }) = validate(&input, files) else {
            return;
        };
        let selector = format!("[name=\"{field}\"][data-touched]");
        let Ok(Some(control)) = form.query_selector(&selector) else {
            return;
        };
        let _ = control.set_attribute("aria-invalid", "true");
        let _ = control.set_attribute("data-live-invalid", "true");
        if let Ok(Some(note)) = form.query_selector(&format!("[data-live-for=\"{field}\"]")) {
            note.set_text_content(Some(text(use_lang(), reason)));
        }
    }

    pub fn send(event: leptos::ev::SubmitEvent) {
        let Some(form) = form_of(&event) else {
            return;
        };
        if form.get_attribute("aria-busy").as_deref() == Some("true") {
            event.prevent_default();
            return;
        }
        let Ok(data) = FormData::new_with_form(&form) else {
            return;
        };
        event.prevent_default();
        let _ = form.set_attribute("aria-busy", "true");
        if let Ok(Some(note)) = form.query_selector("[data-send-error]") {
            note.set_text_content(None);
        }
        let action = form.action();
        leptos::task::spawn_local(async move {
            let answer = match gloo_net::http::Request::post(&action)
                .header("Accept", "application/json")
                .body(data)
            {
                Ok(request) => request.send().await.ok(),
                Err(_) => None,
            };
            let said = |key: crate::i18n::Key| {
                let _ = form.remove_attribute("aria-busy");
                if let Ok(Some(note)) = form.query_selector("[data-send-error]") {
                    note.set_text_content(Some(text(use_lang(), key)));
                }
            };
            match answer.map(|response| (response.ok(), response.status())) {
                // The server left the notice for the next page: this one, loaded again.
                // The form stays busy until then, so the update cannot go twice.
                Some((true, _)) => {
                    let _ = web_sys::window().map(|w| w.location().reload());
                }
                Some((_, 503)) => said(crate::i18n::Key::ErrServerBusy),
                Some((_, 408)) => said(crate::i18n::Key::ErrTimeout),
                Some((_, 413)) => said(crate::i18n::Key::ErrTooLarge),
                _ => {
                    let _ = form.remove_attribute("aria-busy");
                    form.submit().unwrap_or_default()
                }
            }
        });
    }
}
