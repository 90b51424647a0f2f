import { test, expect, Page } from "@playwright/test";
import { signIn, watchConsole, waitForHydration } from "./helpers";

// Accounts in the browser: an admin invites a point of contact, who accepts, signs in,
// sees edit controls on their own member's commitments only, posts an update and signs out.
// The demo data (member XAA, the demo admin) comes from `make test-e2e`.

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("You are signed out.");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();
}

test("an admin invites a point of contact, who accepts and keeps only their member's commitments", async ({ page }) => {
  const problems = watchConsole(page);
  const email = `pat.${Date.now()}@ministry.example`;

  await signIn(page, "admin@demo.example", "demo-admin-password");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Accounts");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Name", { exact: true }).fill("Pat Example");
  await page.getByLabel("Role", { exact: true }).selectOption("poc");
  await page.getByLabel("Member", { exact: true }).selectOption("XAA");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  await expect(page.getByRole("status")).toContainText("The invitation was created.");
  // The link is shown on the page that made it (never carried in a cookie), beside the
  // list that now holds the new account.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Accounts");
  await expect(page.getByRole("main")).toContainText(email);
  const link = await page.getByLabel("One-time link").inputValue();
  expect(link).toMatch(/\/invitations\/[0-9a-f]{64}$/);
  await signOut(page);

  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Accept your invitation");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Pat Example");
  await page.getByLabel("New password", { exact: true }).fill("pat's long password");
  await page.getByLabel("New password, again").fill("pat's long password");
  await page.getByRole("button", { name: "Save password" }).click();
  await expect(page.getByRole("status")).toContainText("Your account is ready.");

  await signIn(page, email, "pat's long password");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
  await expect(page.getByRole("main")).toContainText("Government point of contact");

  // Their own member's commitment has an update form per milestone; others have none.
  await page.goto("/commitments/XAA0001");
  await waitForHydration(page);
  const forms = page.locator("details.update-form");
  expect(await forms.count()).toBeGreaterThan(0);
  await page.goto("/commitments/XAB0001");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("details.update-form")).toHaveCount(0);
  await page.goto("/commitments/AR0045");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Apertura de datos del Congreso Nacional");
  await expect(page.locator("details.update-form")).toHaveCount(0);

  // An update is published under the role, not the person's address.
  await page.goto("/commitments/XAA0001");
  const first = page.locator("details.update-form").first();
  await first.locator("summary").click();
  await first.getByLabel("Status").selectOption("in_progress");
  await first.getByLabel("Progress (%)").fill("55");
  await first.getByLabel("What happened").fill("Public consultation held in March");
  await first.getByRole("button", { name: "Publish update" }).click();
  await expect(page.locator(".notice-success")).toContainText("Your update was published.");
  await expect(page.getByRole("main")).toContainText("Public consultation held in March");
  await expect(page.getByRole("main")).not.toContainText(email);

  await signOut(page);
  await page.goto("/commitments/XAA0001");
  await expect(page.locator("details.update-form")).toHaveCount(0);
  // No hydration error and no Content-Security-Policy violation on the way.
  expect(problems).toEqual([]);
  const response = await page.goto("/account");
  expect(response?.status()).toBe(401);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in required");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("signing in works with plain forms and wrong input is explained", async ({ page }) => {
    await page.goto("/sign-in");
    await expect(page.getByRole("heading", { name: "Demo accounts" })).toBeVisible();
    await page.getByLabel("E-mail address").fill("reviewer@demo.example");
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("The e-mail address or the password is not correct.");
    await expect(page.getByLabel("E-mail address")).toHaveValue("reviewer@demo.example");
    await page.getByLabel("Password", { exact: true }).fill("demo-reviewer-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
    await expect(page.getByRole("main")).toContainText("Civil-society reviewer");
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page.getByRole("status")).toContainText("You are signed out.");
  });
});
