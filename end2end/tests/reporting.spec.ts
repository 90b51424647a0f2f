import { test, expect, Page } from "@playwright/test";
import { watchConsole, waitForHydration } from "./helpers";

// Government reporting in the browser: an admin adds a member, then creates its first
// draft action plan from the member's page; a refused field is named and what was typed
// is kept. The demo admin comes from `make test-e2e`.

async function signInAsAdmin(page: Page) {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await page.getByLabel("E-mail address").fill("admin@demo.example");
  await page.getByLabel("Password", { exact: true }).fill("demo-admin-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("status")).toContainText("You are signed in.");
}

test("an admin adds a member and creates its first draft action plan", async ({ page }) => {
  const problems = watchConsole(page);
  const tag = Date.now().toString(36).toUpperCase().replace(/[0-9]/g, "");
  const code = `E2E-${tag}`.slice(0, 12);
  const name = `Playwright City ${tag}`;

  await signInAsAdmin(page);
  await page.goto("/admin/members");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Members");
  await page.getByLabel("Code").fill(code);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Kind").selectOption("local");
  await page.getByLabel("Region").selectOption("europe");
  await page.getByLabel("Commitment ID prefix").fill(`Q${tag}`.slice(0, 8));
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("status")).toContainText("was created.");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);

  await page.getByRole("link", { name: "Public page" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await waitForHydration(page);
  const form = page.locator("section", { has: page.getByRole("heading", { name: "New action plan" }) });
  await expect(form.getByLabel("Plan number")).toHaveValue("1");
  // The end before the start is refused on that field, keeping what was typed.
  await form.getByLabel("Start date").fill("2027-01-01");
  await form.getByLabel("End date").fill("2026-01-01");
  await form.getByRole("button", { name: "Create draft plan" }).click();
  const refused = page.locator("section", { has: page.getByRole("heading", { name: "New action plan" }) });
  await expect(refused.getByLabel("End date")).toHaveAttribute("aria-invalid", "true");
  await expect(refused.getByLabel("Start date")).toHaveValue("2027-01-01");
  await refused.getByLabel("End date").fill("2028-12-31");
  await refused.getByRole("button", { name: "Create draft plan" }).click();
  await expect(page.getByRole("status")).toContainText("Action plan 1 was created as a draft.");
  await expect(page).toHaveURL(new RegExp(`/plans/AP_${code}01$`));
  // The refused post answers 422 on purpose; anything else in the console is a fault.
  expect(problems.filter((p) => !/status of 422/.test(p))).toEqual([]);
});
