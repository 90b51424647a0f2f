import { test, expect, Page } from "@playwright/test";
import { waitForHydration, watchConsole } from "./helpers";

// Search over the imported OGP data (Argentina's commitments, in Spanish) and the demo data:
// with JavaScript the results answer as people type and facets apply in place; without it
// the form posts as GET and facets are links. Either way the address is the search.

// The codes of the results shown, in order.
async function shownCodes(page: Page): Promise<string[]> {
  return page.locator("li.search-hit").evaluateAll((hits) =>
    hits.map((hit) => hit.getAttribute("data-code") ?? ""),
  );
}

// Follows the first value listed under `facet` that is not chosen yet; answers its key.
async function choose(page: Page, facet: string): Promise<string> {
  const link = page.locator(`a[data-facet=${facet}]:not([aria-current])`).first();
  const value = (await link.getAttribute("data-value"))!;
  const count = Number(await link.getAttribute("data-count"));
  await link.click();
  await expect(page).toHaveURL(new RegExp(`[?&]${facet}=${value}`));
  // What the facet said choosing it would leave is what is left.
  await expect(page.locator(".search-layout")).toHaveAttribute("data-total", String(count));
  return value;
}

test("results answer as people type, facets apply in place, and the address shares the search", async ({ page, browser }) => {
  const problems = watchConsole(page);
  await page.goto("/search");
  await waitForHydration(page);
  // Set on this document: still there after each update, so none was a full reload.
  await page.evaluate(() => ((window as unknown as { kept: number }).kept = 1));
  await page.getByLabel("Words to find").pressSequentially("transparéncia", { delay: 20 });
  await expect(page).toHaveURL(/[?&]q=transpar%C3%A9ncia/);
  await expect(page.locator("li.search-hit mark").first()).toBeVisible();
  const found = Number(await page.locator(".search-layout").getAttribute("data-total"));
  expect(found).toBeGreaterThan(0);

  await choose(page, "region");
  await choose(page, "status");
  await expect(page.locator(".chips a[data-remove]")).toHaveCount(2);
  expect(await page.evaluate(() => (window as unknown as { kept: number }).kept)).toBe(1);
  // The focus is on the new results, not lost with the link that was followed.
  await expect(page.locator("#search-results-heading")).toBeFocused();
  const codes = await shownCodes(page);
  expect(codes.length).toBeGreaterThan(0);

  // The same address, opened elsewhere without JavaScript, shows the same results.
  const shared = page.url();
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const other = await plain.newPage();
  await other.goto(shared);
  expect(await shownCodes(other)).toEqual(codes);
  await plain.close();

  // Back goes to the search before the last facet.
  await page.goBack();
  await expect(page).not.toHaveURL(/[?&]status=/);
  await expect(page.locator(".chips a[data-remove]")).toHaveCount(1);
  expect(problems).toEqual([]);
});

test.describe("searching without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the form posts as GET, facets are links, and an empty search says how to widen it", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/search$/);
    await page.getByLabel("Words to find").fill("Transparencia");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/search\?q=Transparencia$/);
    await expect(page.locator("li.search-hit mark").first()).toHaveText(/transparencia/i);
    const region = await choose(page, "region");
    // New words keep the filter chosen.
    await page.getByLabel("Words to find").fill("datos");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(new RegExp(`q=datos&region=${region}`));

    await page.getByLabel("Words to find").fill("zzzz qqqq");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.locator("[data-empty]")).toBeVisible();
    await expect(page.locator(".search-layout")).toHaveAttribute("data-total", "0");
    // Removing the filter is one link away.
    await page.locator(".chips a[data-remove=region]").click();
    await expect(page).not.toHaveURL(/region=/);
  });
});
