//! Signing in, one's own account, and the pages behind one-time links.

use crate::components::{result_view, Loading};
use crate::domain::{Grant, LinkPurpose, DEMO_ACCOUNTS};
use crate::forms::{CsrfField, Field};
use crate::i18n::{t, t_with, Key};
use crate::input::{PasswordChangeInput, SetPasswordInput, SignInInput};
use crate::page_state::page_state;
use crate::server_fns::{link_state, own_account, LinkStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SignInPage() -> impl IntoView {
    let state = page_state();
    let query = use_query_map();
    let next = {
        let typed = state.form_value(SignInInput::next);
        if typed.is_empty() {
            query.read_untracked().get("next").unwrap_or_default()
        } else {
            typed
        }
    };
    view! {
        <Title text=t(Key::SignInTitle)/>
        <h1>{t(Key::SignInTitle)}</h1>
        {state.viewer.as_ref().map(|viewer| view! {
            <p class="note">
                {t_with(Key::SignedInAs, &[("name", &viewer.display_name)])} " "
                <a href="/account">{t(Key::NavAccount)}</a>
            </p>
        })}
        <form method="post" action="/sign-in" class="form">
            <CsrfField/>
            <input type="hidden" name=SignInInput::next value=next/>
            <Field id=SignInInput::email.into() name=SignInInput::email label=Key::FieldEmail kind="email" autocomplete="username" value=state.form_value(SignInInput::email)/>
            <Field id=SignInInput::password.into() name=SignInInput::password label=Key::FieldPassword kind="password" autocomplete="current-password"/>
            <button type="submit">{t(Key::SignInButton)}</button>
        </form>
        <p class="meta">{t(Key::SignInHelp)}</p>
        {state.demo_mode.then(|| view! {
            <section class="demo-accounts" aria-labelledby="demo-accounts-heading">
                <h2 id="demo-accounts-heading">{t(Key::DemoAccountsTitle)}</h2>
                <p>{t(Key::DemoAccountsIntro)}</p>
                <div class="table-wrap">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{t(Key::ColRole)}</th>
                                <th scope="col">{t(Key::FieldEmail)}</th>
                                <th scope="col">{t(Key::FieldPassword)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {DEMO_ACCOUNTS
                                .iter()
                                .map(|(role, email, password)| view! {
                                    <tr>
                                        <th scope="row">{t(role.label_key())}</th>
                                        <td><code>{*email}</code></td>
                                        <td><code>{*password}</code></td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        })}
    }
}

/// `/sign-out`: where the header's sign-out button posts, also as a page of its own.
#[component]
pub fn SignOutPage() -> impl IntoView {
    view! {
        <Title text=t(Key::SignOutTitle)/>
        <h1>{t(Key::SignOutTitle)}</h1>
        <p>{t(Key::SignOutIntro)}</p>
        <form method="post" action="/sign-out">
            <CsrfField/>
            <button type="submit">{t(Key::NavSignOut)}</button>
        </form>
    }
}

/// A role and its scope, in words.
pub fn grant_text(grant: &Grant) -> String {
    let role = t(grant.role.label_key());
    match (&grant.member_name, &grant.institution) {
        (Some(member), Some(institution)) => format!("{role} · {member} · {institution}"),
        (Some(member), None) => format!("{role} · {member}"),
        _ => role.to_string(),
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let account = crate::components::page_data(|| (), |_| own_account());
    view! {
        <Title text=t(Key::AccountTitle)/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                result_view(account.await, |account| view! {
                    <h1>{t(Key::AccountTitle)}</h1>
                    <dl class="facts">
                        <dt>{t(Key::FieldDisplayName)}</dt>
                        <dd>{account.display_name.clone()}</dd>
                        <dt>{t(Key::FieldEmail)}</dt>
                        <dd>{account.email.clone()}</dd>
                    </dl>
                    <section aria-labelledby="roles-heading">
                        <h2 id="roles-heading">{t(Key::AccountRoles)}</h2>
                        {if account.grants.is_empty() {
                            view! { <p class="empty">{t(Key::NoRoles)}</p> }.into_any()
                        } else {
                            view! {
                                <ul>
                                    {account.grants.iter().map(|g| view! { <li>{grant_text(g)}</li> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="password-heading">
                        <h2 id="password-heading">{t(Key::ChangePasswordTitle)}</h2>
                        <form method="post" action="/account/password" class="form">
                            <CsrfField/>
                            <input type="hidden" name="username" value=account.email.clone() autocomplete="username"/>
                            <Field id=PasswordChangeInput::current.into() name=PasswordChangeInput::current label=Key::FieldCurrentPassword kind="password" autocomplete="current-password"/>
                            <Field id=PasswordChangeInput::password.into() name=PasswordChangeInput::password label=Key::FieldNewPassword kind="password" autocomplete="new-password" hint=Key::PasswordHint/>
                            <Field id=PasswordChangeInput::confirmation.into() name=PasswordChangeInput::confirmation label=Key::FieldConfirmPassword kind="password" autocomplete="new-password"/>
                            <button type="submit">{t(Key::ChangePasswordButton)}</button>
                        </form>
                    </section>
                    <section aria-labelledby="sessions-heading">
                        <h2 id="sessions-heading">{t(Key::SessionsTitle)}</h2>
                        <p>{t(Key::SessionsIntro)}</p>
                        <form method="post" action="/account/sign-out-everywhere">
                            <CsrfField/>
                            <button type="submit" class="secondary">{t(Key::SignOutEverywhereButton)}</button>
                        </form>
                    </section>
                }.into_any())
            })}
        </Suspense>
    }
}

/// The page behind an invitation or password-reset link.
#[component]
fn LinkPage(purpose: LinkPurpose) -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let status = crate::components::page_data(token, move |token| link_state(token, purpose));
    let title = match purpose {
        LinkPurpose::Invitation => Key::InvitationTitle,
        LinkPurpose::Reset => Key::PasswordResetTitle,
    };
    view! {
        <Title text=t(title)/>
        <h1>{t(title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let action = format!("{}{}", purpose.path(), token());
                result_view(status.await, move |status| match status {
                    LinkStatus::Usable { display_name } => {
                        let state = page_state();
                        let typed = state.form_value(SetPasswordInput::display_name);
                        let name = if typed.is_empty() { display_name } else { typed };
                        view! {
                            <p>{t(match purpose {
                                LinkPurpose::Invitation => Key::InvitationIntro,
                                LinkPurpose::Reset => Key::PasswordResetIntro,
                            })}</p>
                            <form method="post" action=action class="form">
                                <CsrfField/>
                                {(purpose == LinkPurpose::Invitation).then(|| view! {
                                    <Field id=SetPasswordInput::display_name.into() name=SetPasswordInput::display_name label=Key::FieldDisplayName autocomplete="name" value=name/>
                                })}
                                <Field id=SetPasswordInput::password.into() name=SetPasswordInput::password label=Key::FieldNewPassword kind="password" autocomplete="new-password" hint=Key::PasswordHint/>
                                <Field id=SetPasswordInput::confirmation.into() name=SetPasswordInput::confirmation label=Key::FieldConfirmPassword kind="password" autocomplete="new-password"/>
                                <button type="submit">{t(Key::SetPasswordButton)}</button>
                            </form>
                        }.into_any()
                    }
                    LinkStatus::Used => view! { <p class="notice">{t(Key::ErrLinkUsed)}</p> }.into_any(),
                    LinkStatus::Expired => view! { <p class="notice">{t(Key::ErrLinkExpired)}</p> }.into_any(),
                    LinkStatus::Unknown => view! { <crate::components::NotFound/> }.into_any(),
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    view! { <LinkPage purpose=LinkPurpose::Invitation/> }
}

#[component]
pub fn PasswordResetPage() -> impl IntoView {
    view! { <LinkPage purpose=LinkPurpose::Reset/> }
}
