import { test, expect, Page } from "@playwright/test";
import { axeViolations, signIn, waitForHydration } from "./helpers";

// The pages people keep the record from, checked with axe-core (WCAG 2.1 A and AA) as each
// role sees them, forms and islands hydrated. Demo accounts and member XAA come from
// `make test-e2e`.

async function expectAccessible(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  await waitForHydration(page);
  expect(await axeViolations(page, path)).toEqual([]);
}

async function firstLink(page: Page, path: string, prefix: string): Promise<string> {
  await page.goto(path);
  const href = await page.locator(`a[href^='${prefix}']`).first().getAttribute("href");
  expect(href, `${path} links ${prefix}`).toBeTruthy();
  return href!;
}

test("an administrator's pages pass axe", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "admin@demo.example", "demo-admin-password");
  const account = await firstLink(page, "/admin/accounts", "/admin/accounts/");
  for (const path of ["/admin/accounts", account, "/admin/members", "/admin/members/XAA", "/admin/audit", "/account"]) {
    await expectAccessible(page, path);
  }
});

test("a point of contact's pages pass axe", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "poc@demo.example", "demo-poc-password");
  const milestone = await firstLink(page, "/commitments/XAA0001", "/milestones/");
  const plan = await firstLink(page, "/commitments/XAA0001", "/plans/");
  const id = milestone.split("/")[2];
  for (const path of [
    "/commitments/XAA0001",
    "/commitments/XAA0001/edit",
    "/commitments/XAA0001/milestones",
    `/milestones/${id}/edit`,
    `/milestones/${id}/updates`,
    `${plan}/commitments`,
    `${plan}/upload`,
  ]) {
    await expectAccessible(page, path);
  }
});

test("a reviewer's scoring page passes axe", async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page, "reviewer@demo.example", "demo-reviewer-password");
  await expectAccessible(page, "/commitments/XAA0001/assessments");
});
