import { test, expect, Page } from "@playwright/test";
import { axeViolations, watchConsole } from "./helpers";

// What the public reads, checked for accessibility with axe-core (WCAG 2.1 A and AA) in a
// left-to-right and a right-to-left language, followed by feed, and printed. On imported OGP
// data (AR0045 of Argentina's third plan) and demo data, from `make test-e2e`.

// One page of each public kind: addresses found by following the site's own links.
async function publicPages(page: Page): Promise<string[]> {
  await page.goto("/commitments/AR0045");
  const history = "/commitments/AR0045/history";
  // A demo commitment with milestones, from the overview's latest updates.
  await page.goto("/");
  const commitment = await page.locator("ul.updates a[href^='/commitments/']").first().getAttribute("href");
  await page.goto(commitment!);
  const milestone = await page.locator("a[href^='/milestones/'][href$='/updates']").first().getAttribute("href");
  const feed = await (await page.request.get("/assessments.atom")).text();
  const assessment = feed.match(/\/assessments\/\d+/)?.[0];
  expect(assessment).toBeTruthy();
  return [
    "/",
    "/members",
    "/members?region=americas",
    "/members/argentina",
    "/explore",
    "/regions/americas",
    "/values/access_to_information",
    "/policy-areas/open-parliaments",
    "/search?q=transparencia&region=americas",
    "/plans/AP_ARG03",
    "/plans/AP_ARG03/print",
    "/commitments/AR0045",
    history,
    commitment!,
    milestone!,
    assessment!,
  ];
}

for (const lang of ["en", "ar"]) {
  test(`every kind of public page passes axe (${lang})`, async ({ page }) => {
    // Some fifteen pages, each analysed in full.
    test.setTimeout(180_000);
    const problems = watchConsole(page);
    const pages = await publicPages(page);
    for (const path of pages) {
      const separator = path.includes("?") ? "&" : "?";
      const response = await page.goto(`${path}${separator}lang=${lang}`);
      expect(response?.status(), path).toBe(200);
      await expect(page.locator("html")).toHaveAttribute("lang", lang);
      expect(await axeViolations(page, `${path} (${lang})`)).toEqual([]);
    }
    expect(problems).toEqual([]);
  });
}

test("a commitment's feed is linked from its page and reads as Atom", async ({ page, request }) => {
  await page.goto("/commitments/AR0045?lang=fr");
  const link = page.locator("nav.feeds a[data-feed='assessments.atom']");
  await expect(link).toBeVisible();
  const href = await link.getAttribute("href");
  expect(href).toBe("/commitments/AR0045/assessments.atom?lang=fr");
  // Announced to feed readers in the head too.
  await expect(page.locator(`head link[rel=alternate][type='application/atom+xml'][href='${href}']`)).toHaveCount(1);
  const response = await request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("application/atom+xml; charset=utf-8");
  const xml = await response.text();
  expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">');
  expect(xml).toContain("/assessments/");
});

test.describe("on paper", () => {
  test.use({ javaScriptEnabled: false });

  test("a plan prints one commitment per page with its links written out, and no navigation", async ({ page }) => {
    await page.goto("/plans/AP_ARG03");
    await page.locator("a[data-action=print]").click();
    await expect(page).toHaveURL(/\/plans\/AP_ARG03\/print$/);
    const commitments = page.locator("article.printed-commitment");
    expect(await commitments.count()).toBeGreaterThan(1);
    await page.emulateMedia({ media: "print" });
    await expect(page.locator(".site-header")).toBeHidden();
    await expect(page.locator("nav.breadcrumb")).toBeHidden();
    const breaks = await commitments.evaluateAll((items) =>
      items.map((item) => getComputedStyle(item).breakBefore),
    );
    expect(new Set(breaks)).toEqual(new Set(["page"]));
    const written = await page
      .locator("article.printed-commitment .commitment-code a")
      .first()
      .evaluate((a) => getComputedStyle(a, "::after").content);
    expect(written).toContain("/commitments/");
    // On screen, the same page keeps its navigation.
    await page.emulateMedia({ media: "screen" });
    await expect(page.locator(".site-header")).toBeVisible();
  });
});

test.describe("charts without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a chart's table opens with a click and its CSV holds the figures drawn", async ({ page, request }) => {
    await page.goto("/");
    const figure = page.locator("figure[data-chart=milestones]");
    await expect(figure.locator("svg[role=img]")).toHaveAttribute("aria-labelledby", /chart-milestones-title/);
    const table = figure.locator("table[data-chart-table=milestones]");
    await expect(table).toBeHidden();
    await figure.locator("summary").click();
    await expect(table).toBeVisible();
    const drawn = await figure
      .locator("g.chart-bar")
      .evaluateAll((bars) => bars.map((b) => [b.getAttribute("data-key"), Number(b.getAttribute("data-value"))]));
    const listed = await table
      .locator("tbody tr")
      .evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute("data-key"), Number(r.querySelector("td")!.getAttribute("data-value"))]),
      );
    expect(listed).toEqual(drawn);
    const href = await figure.locator("a[data-csv=milestones]").getAttribute("href");
    const csv = await (await request.get(href!)).text();
    const rows = csv
      .trim()
      .split("\r\n")
      .slice(1)
      .map((line) => {
        const cells = line.split(",");
        return [cells[0], Number(cells[cells.length - 1])];
      });
    expect(rows).toEqual(drawn);
    const total = Number(await figure.getAttribute("data-total"));
    expect(rows.reduce((sum, row) => sum + (row[1] as number), 0)).toBe(total);
    expect(total).toBeGreaterThan(0);
  });
});

test.describe("exploring without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("from the overview to a region and a policy area, each with its dashboard and commitments", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Explore" }).click();
    await expect(page).toHaveURL(/\/explore$/);
    await page.locator("section[data-explore=regions]").getByRole("link", { name: "Americas" }).click();
    await expect(page).toHaveURL(/\/regions\/americas$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Americas");
    await expect(page.locator("figure[data-chart=completion]")).toBeVisible();
    expect(await page.locator("tr[data-commitment]").count()).toBeGreaterThan(0);

    // From a commitment's facts to its policy area's page.
    await page.goto("/commitments/AR0045");
    await page.getByRole("link", { name: "Open Parliaments" }).click();
    await expect(page).toHaveURL(/\/policy-areas\/open-parliaments$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Open Parliaments");
    const total = Number(await page.locator("p[data-total]").getAttribute("data-total"));
    expect(total).toBeGreaterThan(1);
    await expect(page.locator("figure[data-chart=milestones]")).toBeVisible();
  });

  test("from a commitment to a similar one elsewhere, and to its feed", async ({ page, request }) => {
    await page.goto("/commitments/AR0045");
    const similar = page.locator("section[data-section=similar] li[data-similar]");
    expect(await similar.count()).toBeGreaterThan(0);
    // Another member's, best results first.
    const code = (await similar.first().getAttribute("data-similar"))!;
    expect(code.startsWith("AR")).toBe(false);
    const results = await similar.evaluateAll((items) => items.map((i) => Number(i.getAttribute("data-results"))));
    expect(results).toEqual([...results].sort((a, b) => b - a));
    await similar.first().locator(`a[href="/commitments/${code}"]`).click();
    await expect(page).toHaveURL(new RegExp(`/commitments/${code}$`));
    // Its feed, linked from its page.
    const feed = (await page.locator("nav.feeds a[data-feed='updates.atom']").getAttribute("href"))!;
    expect(feed).toMatch(new RegExp(`^/commitments/${code}/updates\\.atom(\\?lang=en)?$`));
    const answer = await request.get(feed);
    expect(answer.status()).toBe(200);
    expect(await answer.text()).toContain("<feed xmlns=\"http://www.w3.org/2005/Atom\"");
  });
});
