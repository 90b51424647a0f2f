import { test, expect, Page, Browser } from "@playwright/test";
import { watchConsole, waitForHydration } from "./helpers";

// A civil-society reviewer scores commitments. With JavaScript: on the classic scale set the
// starred result changes as levels are chosen, worked out in the browser (no request is
// sent); a justification typed and not saved survives a reload; the published assessment
// stands beside the IRM's. On the refreshed set the disagreement with the IRM shows while
// choosing, and again on the public page once published. Without JavaScript the same
// publish path is plain form posts. Demo data from `make test-e2e`: XAA0001 is in a 2013
// plan (classic), XAA0060 and XAA0061 in a 2025 plan (refreshed), whose IRM design review
// always finds the open-government lens.

const DRAFTS = "ogp-tracker.draft.";

async function settle(page: Page, js: boolean) {
  if (js) await waitForHydration(page);
}

async function signInAsReviewer(page: Page, js: boolean) {
  await page.goto("/sign-in");
  await settle(page, js);
  await page.getByLabel("E-mail address").fill("reviewer@demo.example");
  await page.getByLabel("Password", { exact: true }).fill("demo-reviewer-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("status")).toContainText("You are signed in.");
}

async function startAssessment(page: Page, js: boolean, code: string, scale: string, stage: string) {
  await page.goto(`/commitments/${code}`);
  await settle(page, js);
  await page.locator("[data-link=score]").click();
  await settle(page, js);
  await expect(page.locator("[data-scorer=civil_society]")).toContainText("Demo civil-society coalition");
  await expect(page.locator("#start-scale")).toHaveValue(scale, { timeout: 5000 });
  await page.locator("#start-stage").selectOption(stage);
  await page.locator("form[data-form=start-assessment] button").click();
  await settle(page, js);
  await expect(page.locator("form[data-form=assessment]")).toBeVisible();
}

const level = (page: Page, indicator: string) => page.locator(`select[name="level.${indicator}"]`);
const why = (page: Page, indicator: string) => page.locator(`textarea[name="justification.${indicator}"]`);

async function keptDrafts(page: Page): Promise<string[]> {
  return page.evaluate((prefix) => Object.keys(localStorage).filter((k) => k.startsWith(prefix)), DRAFTS);
}

test("a reviewer sees results change live, gets a draft back after a reload, and publishes", async ({ page }) => {
  const problems = watchConsole(page);
  await signInAsReviewer(page, true);

  // Classic set, design stage: the starred rule, computed in the browser.
  await startAssessment(page, true, "XAA0001", "classic", "design");
  const starred = page.locator("[data-live-results] [data-computed=starred]");
  await expect(starred).toHaveAttribute("data-value", "unknown");
  const sent: string[] = [];
  page.on("request", (request) => sent.push(request.url()));
  const address = page.url();
  await level(page, "specificity").selectOption("low");
  await expect(starred).toHaveAttribute("data-value", "no");
  await expect(starred.locator("[data-check=not-met]")).toHaveCount(1);
  await level(page, "specificity").selectOption("high");
  await expect(starred).toHaveAttribute("data-value", "unknown");
  // A 2013 plan: the 2014 rule, which takes a moderate potential impact (2015's would not).
  await expect(starred).toContainText("2014");
  await level(page, "relevance.access_to_information").selectOption("relevant");
  await level(page, "potential_impact").selectOption("minor");
  await expect(starred).toHaveAttribute("data-value", "no");
  await level(page, "potential_impact").selectOption("moderate");
  await expect(starred).toHaveAttribute("data-value", "unknown");
  await expect(starred.locator("[data-check=met]")).toHaveCount(3);
  await level(page, "potential_impact").selectOption("transformative");
  await expect(starred).toHaveAttribute("data-value", "unknown");
  expect(page.url()).toBe(address);
  expect(sent, "levels are computed in the browser, without asking the server").toEqual([]);

  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByRole("status")).toContainText("Draft saved");
  await expect(page).toHaveURL(/\/assessments\/\d+$/);
  await settle(page, true);

  // Typed but not saved, then the page is reloaded: offered back from the browser.
  const reason = "Dated milestones, each with a named owner.";
  await why(page, "specificity").fill(reason);
  await expect.poll(() => keptDrafts(page)).toHaveLength(1);
  await page.reload();
  await settle(page, true);
  await expect(page.locator("[data-restored=true]")).toBeVisible();
  await expect(why(page, "specificity")).toHaveValue(reason);
  await expect(starred).toHaveAttribute("data-value", "unknown");

  // Every indicator scored, each level justified: published.
  await why(page, "relevance.access_to_information").fill("Opens budget data to the public.");
  await why(page, "potential_impact").fill("Would change how budgets are scrutinised.");
  for (const indicator of ["verifiability", "relevance.civic_participation", "relevance.public_accountability", "relevance.technology_innovation"]) {
    await level(page, indicator).selectOption("NR");
  }
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("status")).toContainText("Assessment published");
  await settle(page, true);
  await expect(page.locator("[data-status=published]")).toBeVisible();
  await expect.poll(() => keptDrafts(page), { message: "saved: no longer kept in the browser" }).toEqual([]);
  await page.locator("[data-link=commitment]").click();
  await settle(page, true);
  await expect(page.locator("table[data-stage=design] th[data-source=civil_society]")).toContainText("Demo civil-society coalition");

  // Refreshed set: the disagreement with the IRM shows while choosing.
  await startAssessment(page, true, "XAA0060", "refreshed", "design");
  const lens = page.locator("[data-live-results] tr[data-indicator=open_government_lens]");
  await level(page, "open_government_lens").selectOption("no");
  await expect(lens).toHaveAttribute("data-disagree", "true");
  await level(page, "open_government_lens").selectOption("yes");
  await expect(lens).toHaveAttribute("data-disagree", "false");
  await level(page, "open_government_lens").selectOption("no");
  await expect(lens).toHaveAttribute("data-disagree", "true");
  await why(page, "open_government_lens").fill("Nothing in it opens a decision to the public.");
  await level(page, "verifiability").selectOption("NR");
  await level(page, "potential_for_results").selectOption("NA");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByRole("status")).toContainText("Draft saved");
  await settle(page, true);
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("status")).toContainText("Assessment published");
  await settle(page, true);
  await page.locator("[data-link=commitment]").click();
  await settle(page, true);
  const row = page.locator("table[data-stage=design] tr[data-indicator=open_government_lens]");
  await expect(row).toHaveAttribute("data-disagree", "true");
  await expect(row).toContainText("Demo civil-society coalition");

  // Typed and not saved, then signed out: the next person here is not offered it.
  await startAssessment(page, true, "XAA0002", "classic", "design");
  await level(page, "specificity").selectOption("medium");
  await expect.poll(() => keptDrafts(page)).toHaveLength(1);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("signed out");
  await settle(page, true);
  await expect.poll(() => keptDrafts(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test("the same publish path without JavaScript", async ({ browser }: { browser: Browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signInAsReviewer(page, false);
  await startAssessment(page, false, "XAA0061", "refreshed", "design");
  await level(page, "open_government_lens").selectOption("no");
  await why(page, "open_government_lens").fill("It publishes nothing new.");
  await level(page, "verifiability").selectOption("verifiable");
  await why(page, "verifiability").fill("Milestones can be checked.");
  await level(page, "potential_for_results").selectOption("ND");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByRole("status")).toContainText("Draft saved");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("status")).toContainText("Assessment published");
  await expect(page.locator("table.side-by-side tr[data-indicator=open_government_lens]")).toHaveAttribute("data-disagree", "true");
  await page.locator("[data-link=commitment]").click();
  const row = page.locator("table[data-stage=design] tr[data-indicator=open_government_lens]");
  await expect(row).toHaveAttribute("data-disagree", "true");
  await context.close();
});
