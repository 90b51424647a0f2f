import { test, expect, Page, Browser } from "@playwright/test";
import { watchConsole, waitForHydration } from "./helpers";

// A point of contact keeps a plan from the browser: creates a draft plan, adds a
// commitment with the code the tracker proposes, adds two milestones (one already past
// its planned end) and reorders them, reports progress with an evidence link, marks a
// milestone completed, and sees the public page (progress formula with its figures,
// overdue state) and the history. Once with JavaScript and once without: every step is a
// plain form post. The demo point of contact of member XAA comes from `make test-e2e`.

async function settle(page: Page, js: boolean) {
  if (js) await waitForHydration(page);
}

async function signInAsPoc(page: Page, js: boolean) {
  await page.goto("/sign-in");
  await settle(page, js);
  await page.getByLabel("E-mail address").fill("poc@demo.example");
  await page.getByLabel("Password", { exact: true }).fill("demo-poc-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("status")).toContainText("You are signed in.");
}

async function keepAPlan(page: Page, js: boolean) {
  await signInAsPoc(page, js);
  // The member's page, reached from one of its commitments.
  await page.goto("/commitments/XAA0001");
  await settle(page, js);
  await page.locator("nav.breadcrumb a").nth(1).click();
  await settle(page, js);
  const newPlan = page.locator("section", { has: page.getByRole("heading", { name: "New action plan" }) });
  await newPlan.getByLabel("Start date").fill("2025-01-01");
  await newPlan.getByLabel("End date").fill("2027-12-31");
  await newPlan.getByRole("button", { name: "Create draft plan" }).click();
  await expect(page.getByRole("status")).toContainText("was created as a draft.");
  await settle(page, js);

  // A commitment, with the code the tracker proposes.
  await page.locator("[data-action=add-commitment]").click();
  await settle(page, js);
  const code = await page.getByLabel("Code").inputValue();
  expect(code).toMatch(/^[A-Z]+\d{4}$/);
  const title = `Open budget portal ${js ? "with" : "without"} scripts`;
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Problem it addresses").fill("Budget execution is published a year late.");
  await page.getByLabel("Lead institution").fill("Ministry of Finance");
  await page.getByLabel("Access to information").check();
  await page.getByRole("button", { name: "Add the commitment" }).click();
  await expect(page.getByRole("status")).toContainText(`Commitment ${code} was added.`);
  await settle(page, js);

  // Two milestones: the first already overdue, the second weighing twice as much.
  await page.getByRole("link", { name: "Add, edit or reorder milestones" }).click();
  await settle(page, js);
  const milestones = [
    { title: "Publish the first quarterly report", end: "2025-06-30", weight: "1" },
    { title: "Open the portal", end: "2027-06-30", weight: "2" },
  ];
  for (const m of milestones) {
    const form = page.locator("form[data-form=milestone]");
    await form.getByLabel("Title", { exact: true }).fill(m.title);
    await form.getByLabel("Planned end").fill(m.end);
    await form.getByLabel("Weight").fill(m.weight);
    await form.getByRole("button", { name: "Add the milestone" }).click();
    await expect(page.getByRole("status")).toContainText("The milestone was added.");
    await settle(page, js);
  }
  // The portal moves first.
  const portal = page.locator("li[data-milestone]", { hasText: "Open the portal" });
  await portal.getByRole("button", { name: "Move up" }).click();
  await expect(page.getByRole("status")).toContainText("The milestone was moved.");
  await settle(page, js);
  await expect(page.locator("li[data-milestone]").first()).toContainText("Open the portal");

  // The public page: the overdue milestone is shown so, and progress has its formula.
  await page.goto(`/commitments/${code}`);
  await settle(page, js);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.locator("[data-overdue=true]")).toHaveCount(1);
  await expect(page.locator(".formula .sum")).toHaveAttribute("data-formula", "(0 × 2 + 0 × 1) ÷ (2 + 1) = 0");

  // Progress with an evidence link, then completion (which needs evidence).
  const report = async (milestone: string, status: string, progress: string, narrative: string, evidence: string, pdf?: string) => {
    const row = page.locator("tr", { hasText: milestone });
    // A closed <details> opens without JavaScript too.
    await row.locator("details.update-form summary").click();
    await row.getByLabel("Status").selectOption(status);
    await row.getByLabel("Progress (%)").fill(progress);
    await row.getByLabel("What happened").fill(narrative);
    await row.getByLabel("Evidence links").fill(evidence);
    if (pdf) {
      await row.getByLabel("Evidence files (optional)").setInputFiles({
        name: pdf,
        mimeType: "application/pdf",
        buffer: Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"),
      });
    }
    // Sent by the browser's post, or with JavaScript by fetch and then the page loaded
    // again: either way a page loads, and the earlier report's notice is gone from it.
    await Promise.all([page.waitForEvent("load"), row.getByRole("button", { name: "Publish update" }).click()]);
    await expect(page.locator(".notice-success")).toContainText("Your update was published.");
    await settle(page, js);
  };
  if (js) {
    // As you type, the same Rust check the server runs marks the field and says why.
    const row = page.locator("tr", { hasText: "Open the portal" });
    await row.locator("details.update-form summary").click();
    await row.getByLabel("Progress (%)").fill("150");
    await expect(row.getByLabel("Progress (%)")).toHaveAttribute("aria-invalid", "true");
    await expect(row.locator("[data-live-for=progress]")).toHaveText("enter a whole number from 0 to 100.");
    await row.getByLabel("Progress (%)").fill("50");
    await expect(row.getByLabel("Progress (%)")).toHaveAttribute("aria-invalid", "false");
    await row.locator("details.update-form summary").click();
  }
  // With JavaScript the update is sent by fetch, keeping what was chosen if it cannot go,
  // and the page is then loaded again; without it, the browser posts the form.
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") posts.push(request.resourceType());
  });
  await report("Open the portal", "in_progress", "50", "The portal is in beta.", "https://example.org/beta Beta portal", "beta-report.pdf");
  expect(posts).toEqual([js ? "fetch" : "document"]);
  // The PDF is listed with the update and served as it was sent, under a policy that runs nothing.
  const file = page.getByRole("link", { name: "beta-report.pdf" });
  await expect(file).toBeVisible();
  const served = await page.request.get((await file.getAttribute("href"))!);
  expect(served.status()).toBe(200);
  expect(served.headers()["content-type"]).toBe("application/pdf");
  expect(served.headers()["content-security-policy"]).toContain("sandbox");
  await report("Publish the first quarterly report", "completed", "100", "Published late.", "https://example.org/q1.pdf First report");
  expect(posts).toEqual(js ? ["fetch", "fetch"] : ["document", "document"]);
  await expect(page.locator(".formula .sum")).toHaveAttribute("data-formula", "(50 × 2 + 100 × 1) ÷ (2 + 1) = 66.7");
  await expect(page.locator("[data-overdue=true]")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Beta portal" })).toHaveAttribute("href", "https://example.org/beta");

  // The history names each step.
  await page.goto(`/commitments/${code}/history`);
  await settle(page, js);
  await expect(page.locator("main")).toContainText("Open the portal");
  await expect(page.locator("main")).toContainText("The portal is in beta.");
  return code;
}

test("a point of contact keeps a plan, its commitment and milestones, with JavaScript", async ({ page }) => {
  const problems = watchConsole(page);
  await keepAPlan(page, true);
  expect(problems).toEqual([]);
});

test("the same without JavaScript: every step is a plain form post", async ({ browser }: { browser: Browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await keepAPlan(page, false);
  await context.close();
});
