//! The admin's pages: accounts and their grants, invitations, and the audit log.

use super::account::grant_text;
use crate::components::{date_text, query_page, record_view, result_view, Loading, Pagination};
use crate::domain::{Account, AuditAction, AuditFact, Role, VIA_COMMAND_LINE};
use crate::forms::{Choice, CsrfField, Field};
use crate::i18n::{t, Key};
use crate::input::{DisabledInput, GrantInput};
use crate::page_state::page_state;
use crate::server_fns::{admin_account, admin_accounts, audit_log, MemberChoice, PAGE_SIZE};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

pub(super) fn admin_nav() -> impl IntoView {
    view! {
        <nav aria-label=t(Key::AdminNavLabel) class="breadcrumb">
            <a href="/admin/accounts">{t(Key::AdminAccountsTitle)}</a>
            " · "
            <a href="/admin/members">{t(Key::AdminMembersTitle)}</a>
            " · "
            <a href="/admin/audit">{t(Key::AuditTitle)}</a>
        </nav>
    }
}

fn role_options() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), t(r.label_key()).to_string()))
        .collect()
}

fn member_options(members: &[MemberChoice]) -> Vec<(String, String)> {
    std::iter::once((String::new(), t(Key::NoMember).to_string()))
        .chain(
            members
                .iter()
                .map(|m| (m.code.clone(), format!("{} ({})", m.name, m.code))),
        )
        .collect()
}

/// Role, member and institution: the scope of a grant, in the invitation and grant forms.
#[component]
fn GrantFields(members: Vec<MemberChoice>) -> impl IntoView {
    let state = page_state();
    view! {
        <Choice id=GrantInput::role.into() name=GrantInput::role label=Key::ColRole options=role_options() selected=state.form_value(GrantInput::role)/>
        <Choice id=GrantInput::member.into() name=GrantInput::member label=Key::FieldMember options=member_options(&members) selected=state.form_value(GrantInput::member)/>
        <Field id=GrantInput::institution.into() name=GrantInput::institution label=Key::FieldInstitution required=false value=state.form_value(GrantInput::institution) hint=Key::InstitutionHint/>
    }
}

#[component]
pub fn AdminAccountsPage() -> impl IntoView {
    let data = crate::components::page_data(|| (), |_| admin_accounts());
    view! {
        <Title text=t(Key::AdminAccountsTitle)/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                result_view(data.await, |data| {
                    let state = page_state();
                    view! {
                        {admin_nav()}
                        <h1>{t(Key::AdminAccountsTitle)}</h1>
                        <AccountTable accounts=data.accounts/>
                        <section aria-labelledby="invite-heading">
                            <h2 id="invite-heading">{t(Key::InviteTitle)}</h2>
                            <p>{t(Key::InviteIntro)}</p>
                            <form method="post" action="/admin/invitations" class="form">
                                <CsrfField/>
                                <Field id=GrantInput::email.into() name=GrantInput::email label=Key::FieldEmail kind="email" value=state.form_value(GrantInput::email)/>
                                <Field id=GrantInput::display_name.into() name=GrantInput::display_name label=Key::FieldDisplayName value=state.form_value(GrantInput::display_name)/>
                                <GrantFields members=data.members/>
                                <button type="submit">{t(Key::InviteButton)}</button>
                            </form>
                        </section>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}

fn account_status(account: &Account) -> &'static str {
    if account.disabled {
        t(Key::AccountDisabled)
    } else if !account.active {
        t(Key::AccountInvited)
    } else {
        t(Key::AccountActive)
    }
}

#[component]
fn AccountTable(accounts: Vec<Account>) -> impl IntoView {
    if accounts.is_empty() {
        return view! { <p class="empty">{t(Key::NoAccounts)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t(Key::FieldEmail)}</th>
                        <th scope="col">{t(Key::FieldDisplayName)}</th>
                        <th scope="col">{t(Key::AccountRoles)}</th>
                        <th scope="col">{t(Key::ColStatus)}</th>
                        <th scope="col">{t(Key::ColLastSignIn)}</th>
                    </tr>
                </thead>
                <tbody>
                    {accounts
                        .into_iter()
                        .map(|account| {
                            let status = account_status(&account);
                            let roles = account.grants.iter().map(grant_text).collect::<Vec<_>>().join("; ");
                            let last = account
                                .last_sign_in_at
                                .map(|at| date_text(at.date_naive()))
                                .unwrap_or_else(|| t(Key::NotAvailable).to_string());
                            view! {
                                <tr>
                                    <th scope="row"><a href=format!("/admin/accounts/{}", account.id)>{account.email}</a></th>
                                    <td>{account.display_name}</td>
                                    <td>{roles}</td>
                                    <td>{status}</td>
                                    <td>{last}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn AdminAccountPage() -> impl IntoView {
    let params = use_params_map();
    let data = crate::components::page_data(
        move || crate::components::number_param(&params.read(), "id"),
        admin_account,
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(data.await, |data| {
                    let account = data.account;
                    let base = format!("/admin/accounts/{}", account.id);
                    let (toggle_value, toggle_label) = if account.disabled {
                        ("false", Key::EnableAccountButton)
                    } else {
                        ("true", Key::DisableAccountButton)
                    };
                    view! {
                        <Title text=account.email.clone()/>
                        {admin_nav()}
                        <h1>{account.email.clone()}</h1>
                        <dl class="facts">
                            <dt>{t(Key::FieldDisplayName)}</dt>
                            <dd>{account.display_name.clone()}</dd>
                            <dt>{t(Key::ColStatus)}</dt>
                            <dd>{account_status(&account)}</dd>
                        </dl>
                        <section aria-labelledby="grants-heading">
                            <h2 id="grants-heading">{t(Key::AccountRoles)}</h2>
                            {if account.grants.is_empty() {
                                view! { <p class="empty">{t(Key::NoRoles)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="grants">
                                        {account.grants.iter().map(|grant| view! {
                                            <li>
                                                {grant_text(grant)} " "
                                                <form method="post" action=format!("/admin/grants/{}/revoke", grant.id) class="inline">
                                                    <CsrfField/>
                                                    <button type="submit" class="secondary">{t(Key::RevokeButton)}</button>
                                                </form>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <h3>{t(Key::GrantTitle)}</h3>
                            <form method="post" action=format!("{base}/grants") class="form">
                                <CsrfField/>
                                <GrantFields members=data.members/>
                                <button type="submit">{t(Key::GrantButton)}</button>
                            </form>
                        </section>
                        <section aria-labelledby="access-heading">
                            <h2 id="access-heading">{t(Key::AccessTitle)}</h2>
                            <form method="post" action=format!("{base}/reset-link") class="inline">
                                <CsrfField/>
                                <button type="submit" class="secondary">{t(Key::ResetLinkButton)}</button>
                            </form>
                            " "
                            <form method="post" action=format!("{base}/disabled") class="inline">
                                <CsrfField/>
                                <input type="hidden" name=DisabledInput::disabled value=toggle_value/>
                                <button type="submit" class="secondary">{t(toggle_label)}</button>
                            </form>
                        </section>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}

/// An audit line's facts as a description list, names and known values translated.
fn audit_facts(facts: Vec<(AuditFact, String)>) -> impl IntoView {
    (!facts.is_empty()).then(|| {
        view! {
            <dl class="facts">
                {facts.into_iter().map(|(fact, value)| {
                    let shown = match fact {
                        AuditFact::Role => Role::from_machine(&value)
                            .map(|role| t(role.label_key()).to_string())
                            .unwrap_or(value),
                        AuditFact::Via if value == VIA_COMMAND_LINE => {
                            t(Key::AuditViaCommandLine).to_string()
                        }
                        _ => value,
                    };
                    view! {
                        <dt data-fact=fact.as_str()>{t(fact.label_key())}</dt>
                        <dd>{shown}</dd>
                    }
                }).collect_view()}
            </dl>
        }
    })
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || query_page(query.read().get("page"));
    let data = crate::components::page_data(page, audit_log);
    view! {
        <Title text=t(Key::AuditTitle)/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let page = page();
                result_view(data.await, move |data| view! {
                    {admin_nav()}
                    <h1>{t(Key::AuditTitle)}</h1>
                    {if data.entries.is_empty() {
                        view! { <p class="empty">{t(Key::NoAuditEntries)}</p> }.into_any()
                    } else {
                        view! {
                            // Wider than most screens: it scrolls, so it takes the focus
                            // for keyboard users to scroll it (WCAG 2.1.1).
                            <div class="table-wrap" tabindex="0" role="region" aria-label=t(Key::AuditTitle)>
                                <table>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t(Key::ColWhen)}</th>
                                            <th scope="col">{t(Key::ColActor)}</th>
                                            <th scope="col">{t(Key::ColAction)}</th>
                                            <th scope="col">{t(Key::ColSubject)}</th>
                                            <th scope="col">{t(Key::ColDetail)}</th>
                                            <th scope="col">{t(Key::ColAddress)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {data.entries.into_iter().map(|e| {
                                            let label = AuditAction::from_machine(&e.action)
                                                .map(|action| t(action.label_key()).to_string())
                                                .unwrap_or_else(|| e.action.clone());
                                            view! {
                                            <tr>
                                                <td>{e.at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                                <td>{e.actor.unwrap_or_default()}</td>
                                                <th scope="row" data-action=e.action>{label}</th>
                                                <td>{e.subject.unwrap_or_default()}</td>
                                                <td>{audit_facts(e.facts)}</td>
                                                <td>{e.address.unwrap_or_default()}</td>
                                            </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    <Pagination page total=data.total page_size=PAGE_SIZE base="/admin/audit".to_string()/>
                }.into_any())
            })}
        </Suspense>
    }
}
