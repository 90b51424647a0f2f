//! `/members`: every member, filterable by region and kind.

use crate::components::{result_view, Loading, Pagination};
use crate::domain::{MemberKind, Region};
use crate::i18n::{format_count, t, t_count, Key};
use crate::server_fns::{list_members, MemberPage, PAGE_SIZE};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MembersPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        (
            q.get("region").and_then(|r| Region::from_machine(&r)),
            q.get("kind").and_then(|k| MemberKind::from_machine(&k)),
            crate::components::query_page(q.get("page")),
        )
    };
    let members = crate::components::page_data(filters, |(region, kind, page)| {
        list_members(region, kind, page)
    });
    view! {
        <crate::components::PageMeta title=t(Key::MembersTitle).to_string() description=t(Key::MetaMembers).to_string()/>
        <h1>{t(Key::MembersTitle)}</h1>
        <p class="lead">{t(Key::MembersIntro)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let (region, kind, page) = filters();
                result_view(members.await, |data| {
                    view! { <MemberFilterForm region kind/> <MemberTable data region kind page/> }.into_any()
                })
            })}
        </Suspense>
    }
}

/// A plain GET form, so filtering works without JavaScript.
#[component]
fn MemberFilterForm(region: Option<Region>, kind: Option<MemberKind>) -> impl IntoView {
    view! {
        <form class="filters" method="get" action="/members" aria-label=t(Key::FilterLabel)>
            <label>
                {t(Key::FilterRegion)}
                <select name="region">
                    <option value="" selected=region.is_none()>{t(Key::FilterAll)}</option>
                    {Region::ALL
                        .iter()
                        .map(|r| view! {
                            <option value=r.as_str() selected=region == Some(*r)>{t(r.label_key())}</option>
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {t(Key::FilterKind)}
                <select name="kind">
                    <option value="" selected=kind.is_none()>{t(Key::FilterAll)}</option>
                    {MemberKind::ALL
                        .iter()
                        .map(|k| view! {
                            <option value=k.as_str() selected=kind == Some(*k)>{t(k.label_key())}</option>
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="submit">{t(Key::FilterApply)}</button>
        </form>
    }
}

#[component]
fn MemberTable(
    data: MemberPage,
    region: Option<Region>,
    kind: Option<MemberKind>,
    page: i64,
) -> impl IntoView {
    if data.members.is_empty() {
        return view! { <p class="empty">{t(Key::NoMembers)}</p> }.into_any();
    }
    let mut base = String::from("/members");
    let params: Vec<String> = [
        region.map(|r| format!("region={}", r.as_str())),
        kind.map(|k| format!("kind={}", k.as_str())),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !params.is_empty() {
        base = format!("{base}?{}", params.join("&"));
    }
    view! {
        <p class="count" role="status">{t_count(Key::MembersCount, data.total, &[])}</p>
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t(Key::ColMember)}</th>
                        <th scope="col">{t(Key::ColCode)}</th>
                        <th scope="col">{t(Key::ColRegion)}</th>
                        <th scope="col">{t(Key::ColKind)}</th>
                        <th scope="col" class="number">{t(Key::ColPlans)}</th>
                        <th scope="col" class="number">{t(Key::ColCommitments)}</th>
                    </tr>
                </thead>
                <tbody>
                    {data
                        .members
                        .into_iter()
                        .map(|summary| {
                            let member = summary.member;
                            view! {
                                <tr>
                                    <th scope="row">
                                        <a href=format!("/members/{}", member.slug)><bdi>{member.name}</bdi></a>
                                        {member.demo.then(|| view! { " " <span class="badge">{t(Key::DemoLabel)}</span> })}
                                    </th>
                                    <td>{member.code}</td>
                                    <td>{member.region.map(|r| t(r.label_key())).unwrap_or(t(Key::NotAvailable))}</td>
                                    <td>{t(member.kind.label_key())}</td>
                                    <td class="number">{format_count(summary.plans)}</td>
                                    <td class="number">{format_count(summary.commitments)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <Pagination page total=data.total page_size=PAGE_SIZE base/>
    }
    .into_any()
}
