import { test, expect, Page, Request } from "@playwright/test";
import { signIn, watchConsole, waitForHydration } from "./helpers";

// A refused form post, with JavaScript on: the page comes back at the address the form
// was sent to, which is a page of its own, so the browser's app hydrates it without
// error; what was typed is kept; and reloading shows the page without posting again.

// Chromium logs every 4xx answer to a page load; the refused post's own is expected.
function unexpected(problems: string[]): string[] {
  return problems.filter((p) => !/Failed to load resource: the server responded with a status of (409|422)/.test(p));
}

function countPosts(page: Page): () => number {
  let posts = 0;
  page.on("request", (request: Request) => {
    if (request.method() === "POST" && request.isNavigationRequest()) posts += 1;
  });
  return () => posts;
}

test("a refused milestone update is shown on the milestone's page, keeps what was typed and is not posted again on reload", async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, "poc@demo.example", "demo-poc-password");
  await page.goto("/commitments/XAA0001");
  await waitForHydration(page);
  const form = page.locator("details.update-form").first();
  await form.locator("summary").click();
  const milestone = await form.locator("form").getAttribute("data-milestone");
  await form.getByLabel("Status").selectOption("in_progress");
  await form.getByLabel("Progress (%)").fill("150");
  await form.getByLabel("What happened").fill("More than everything was done");
  const posts = countPosts(page);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    form.getByRole("button", { name: "Publish update" }).click(),
  ]);
  expect(response.status()).toBe(422);
  await expect(page).toHaveURL(new RegExp(`/milestones/${milestone}/updates$`));
  await waitForHydration(page);
  await expect(page.getByRole("alert")).toContainText("Progress (%)");
  await expect(page.getByLabel("Progress (%)")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("What happened")).toHaveValue("More than everything was done");
  expect(posts()).toBe(1);

  // The page works: the app hydrated it (no panic, no console error), and reloading it
  // is a plain visit.
  await page.reload();
  await waitForHydration(page);
  expect(posts()).toBe(1);
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  // Sent again with a progress that fits, it is published without leaving the page, which
  // shows it at once.
  await page.getByLabel("Progress (%)").fill("60");
  await page.getByLabel("What happened").fill("Two thirds of the data sets are published");
  await page.getByRole("button", { name: "Publish update" }).click();
  await expect(page.locator(".notice-success")).toContainText("Your update was published.");
  await expect(page).toHaveURL(new RegExp(`/milestones/${milestone}/updates$`));
  await expect(page.locator("ol.updates")).toContainText("Two thirds of the data sets are published");
  expect(unexpected(problems)).toEqual([]);
});

test("a refused password change is shown at its own address and is not posted again on reload", async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, "reviewer@demo.example", "demo-reviewer-password");
  await page.goto("/account");
  await waitForHydration(page);
  await page.getByLabel("Current password").fill("not my password at all");
  await page.getByLabel("New password", { exact: true }).fill("a brand new password");
  await page.getByLabel("New password, again").fill("a brand new password");
  const posts = countPosts(page);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: "Change password" }).click(),
  ]);
  expect(response.status()).toBe(422);
  await expect(page).toHaveURL(/\/account\/password$/);
  await waitForHydration(page);
  await expect(page.getByRole("alert")).toContainText("Current password");
  await expect(page.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
  // Passwords are never sent back.
  await expect(page.getByLabel("New password", { exact: true })).toHaveValue("");

  await page.reload();
  await waitForHydration(page);
  expect(posts()).toBe(1);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
  expect(unexpected(problems)).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a stale milestone update shows what is saved now beside what was typed", async ({ browser }) => {
    // Two points of contact open the same milestone; the second sends after the first.
    const first = await browser.newPage({ javaScriptEnabled: false });
    const second = await browser.newPage({ javaScriptEnabled: false });
    for (const page of [first, second]) {
      await page.goto("/sign-in");
      await page.getByLabel("E-mail address").fill("poc@demo.example");
      await page.getByLabel("Password", { exact: true }).fill("demo-poc-password");
      await page.getByRole("button", { name: "Sign in" }).click();
    }
    await first.goto("/commitments/XAA0002");
    const href = await first.locator("form[data-milestone]").first().getAttribute("action");
    await first.goto(href!);
    await second.goto(href!);
    await first.getByLabel("Status").selectOption("in_progress");
    await first.getByLabel("Progress (%)").fill("70");
    await first.getByLabel("What happened").fill("Portal launched");
    await first.getByRole("button", { name: "Publish update" }).click();
    await expect(first.getByRole("status")).toContainText("Your update was published.");

    await second.getByLabel("Status").selectOption("in_progress");
    await second.getByLabel("Progress (%)").fill("20");
    await second.getByLabel("What happened").fill("Drafting started");
    await second.getByRole("button", { name: "Publish update" }).click();
    await expect(second.getByRole("alert")).toContainText("Someone else changed this");
    await expect(second.locator("[data-progress]")).toHaveAttribute("data-progress", "70");
    await expect(second.getByLabel("Progress (%)")).toHaveValue("20");
    await expect(second.getByLabel("What happened")).toHaveValue("Drafting started");
    await second.getByRole("button", { name: "Publish update" }).click();
    await expect(second.getByRole("status")).toContainText("Your update was published.");
  });
});
