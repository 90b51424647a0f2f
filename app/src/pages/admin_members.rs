//! The admin's member pages: the list with a form for a new member, and one member's
//! edit form. Both post plainly and work without JavaScript.

use super::admin::admin_nav;
use crate::components::{record_view, result_view, Loading};
use crate::domain::{Member, MemberKind, Region};
use crate::forms::{Choice, CsrfField, Field};
use crate::i18n::{t, Key};
use crate::input::MemberInput;
use crate::live::{checked, FormCheck};
use crate::page_state::page_state;
use crate::server_fns::{admin_member, admin_members};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn kind_options() -> Vec<(String, String)> {
    MemberKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), t(k.label_key()).to_string()))
        .collect()
}

fn region_options() -> Vec<(String, String)> {
    std::iter::once((String::new(), t(Key::NoRegion).to_string()))
        .chain(
            Region::ALL
                .iter()
                .map(|r| (r.as_str().to_string(), t(r.label_key()).to_string())),
        )
        .collect()
}

/// The fields a member's forms share; `member` fills them when editing.
#[component]
fn MemberFields(member: Option<Member>) -> impl IntoView {
    let state = page_state();
    let stored = member.clone();
    let from = move |f: fn(&Member) -> String| stored.as_ref().map(f).unwrap_or_default();
    view! {
        <Field id=MemberInput::name.into() name=MemberInput::name label=Key::FieldName value=state.form_value_or(MemberInput::name, from(|m| m.name.clone()))/>
        <Choice id=MemberInput::kind.into() name=MemberInput::kind label=Key::FieldKind options=kind_options() selected=state.form_value_or(MemberInput::kind, from(|m| m.kind.as_str().to_string()))/>
        <Choice id=MemberInput::region.into() name=MemberInput::region label=Key::FieldRegion options=region_options() selected=state.form_value_or(MemberInput::region, from(|m| m.region.map(|r| r.as_str().to_string()).unwrap_or_default()))/>
        <Field id=MemberInput::prefix.into() name=MemberInput::prefix label=Key::FieldPrefix value=state.form_value_or(MemberInput::prefix, from(|m| m.commitment_prefix.clone())) hint=Key::PrefixHint/>
    }
}

#[component]
pub fn AdminMembersPage() -> impl IntoView {
    let data = crate::components::page_data(|| (), |_| admin_members());
    view! {
        <Title text=t(Key::AdminMembersTitle)/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                result_view(data.await, |members| {
                    view! {
                        {admin_nav()}
                        <h1>{t(Key::AdminMembersTitle)}</h1>
                        <MemberList members/>
                        <section aria-labelledby="add-member-heading">
                            <h2 id="add-member-heading">{t(Key::AddMemberTitle)}</h2>
                            {checked(FormCheck::Member, view! {
                            <form
                                method="post"
                                action="/admin/members"
                                class="form"
                            >
                                <CsrfField/>
                                <Field id=MemberInput::code.into() name=MemberInput::code label=Key::FieldCode value=page_state().form_value(MemberInput::code) hint=Key::MemberCodeHint/>
                                <MemberFields member=None/>
                                <button type="submit">{t(Key::AddMemberButton)}</button>
                            </form>
                            })}
                        </section>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}

#[component]
fn MemberList(members: Vec<Member>) -> impl IntoView {
    if members.is_empty() {
        return view! { <p class="empty">{t(Key::NoMembersYet)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t(Key::FieldCode)}</th>
                        <th scope="col">{t(Key::FieldName)}</th>
                        <th scope="col">{t(Key::FieldKind)}</th>
                        <th scope="col">{t(Key::FieldPrefix)}</th>
                    </tr>
                </thead>
                <tbody>
                    {members
                        .into_iter()
                        .map(|m| view! {
                            <tr data-member=m.code.clone()>
                                <td><a href=format!("/admin/members/{}", m.code)>{m.code.clone()}</a></td>
                                <td><bdi>{m.name}</bdi></td>
                                <td>{t(m.kind.label_key())}</td>
                                <td>{m.commitment_prefix}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn AdminMemberPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let data = crate::components::page_data(code, admin_member);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(data.await, |editing| {
                    let member = editing.member;
                    let action = format!("/admin/members/{}", member.code);
                    let version = page_state().form_version(MemberInput::version, editing.version);
                    view! {
                        <Title text=format!("{} · {}", member.name, t(Key::AdminMembersTitle))/>
                        {admin_nav()}
                        <h1 dir="auto">{member.name.clone()}</h1>
                        <p>
                            {t(Key::FieldCode)} ": " <strong>{member.code.clone()}</strong> " · "
                            <a href=format!("/members/{}", member.slug)>{t(Key::PublicPageLink)}</a>
                        </p>
                        <form method="post" action=action class="form">
                            <CsrfField/>
                            <input type="hidden" name=MemberInput::version value=version/>
                            <MemberFields member=Some(member)/>
                            <button type="submit">{t(Key::SaveMemberButton)}</button>
                        </form>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
