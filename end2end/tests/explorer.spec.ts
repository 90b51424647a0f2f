import { test, expect, Page } from "@playwright/test";
import { axeViolations, waitForHydration, watchConsole } from "./helpers";

// The dashboard explorer (`/explore`): with JavaScript a bar's figure shows beside it on
// hover and with the arrow keys, and choosing another dashboard puts it in place; without
// it the filter is a form sent with GET. On imported OGP data and demo data.

// The milestones chart's total as the page at `address` shows it.
async function milestonesTotal(page: Page, address: string): Promise<string> {
  await page.goto(address);
  return (await page.locator("figure[data-chart=milestones]").getAttribute("data-total"))!;
}

// The digits of a figure as written (`1,234` is 1234).
function digits(text: string | null): string {
  return (text ?? "").split(":").pop()!.replace(/\D/g, "");
}

test("charts show each figure on hover and with the arrow keys, and the filter answers in place", async ({ page, browser }) => {
  const problems = watchConsole(page);
  await page.goto("/explore");
  await waitForHydration(page);
  // Set on this document: still there after the filter answers, so it was no full reload.
  await page.evaluate(() => ((window as unknown as { kept: number }).kept = 1));

  // Hovering a bar shows its figure beside it.
  const chart = page.locator("figure[data-chart=milestones]");
  const bars = chart.locator("g.chart-bar");
  const first = bars.first();
  await first.locator("rect").hover({ force: true });
  const tip = page.locator("#chart-tip");
  await expect(tip).toBeVisible();
  await expect(tip).toHaveAttribute("data-key", (await first.getAttribute("data-key"))!);
  expect(digits(await tip.textContent())).toBe(await first.getAttribute("data-value"));

  // With the keyboard: the chart takes the focus, the arrow keys move along its bars, and
  // each figure is said.
  const image = chart.locator(".chart-image");
  await image.focus();
  await expect(image).toBeFocused();
  await page.keyboard.press("ArrowDown");
  const second = bars.nth(1);
  await expect(second).toHaveClass(/is-current/);
  await expect(tip).toHaveAttribute("data-key", (await second.getAttribute("data-key"))!);
  expect(digits(await page.locator("#chart-status").textContent())).toBe(await second.getAttribute("data-value"));
  await page.keyboard.press("Escape");
  await expect(tip).toBeHidden();

  // Choosing a region puts its dashboard in place, and the address follows.
  await page.getByLabel("Show the dashboard of").selectOption("/regions/americas");
  await expect(page).toHaveURL(/\/explore\?dashboard=\/regions\/americas$/);
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const region = await milestonesTotal(await plain.newPage(), "/regions/americas");
  const everyone = await milestonesTotal(await plain.newPage(), "/");
  await plain.close();
  expect(region).not.toBe(everyone);
  await expect(chart).toHaveAttribute("data-total", region);
  await expect(page.locator("a[data-csv=milestones]")).toHaveAttribute("href", "/regions/americas/charts/milestones.csv");
  expect(await page.evaluate(() => (window as unknown as { kept: number }).kept)).toBe(1);
  await expect(page.locator("#chart-status")).toContainText("Americas");
  // The new dashboard's charts answer the keyboard too.
  await chart.locator(".chart-image").focus();
  await page.keyboard.press("End");
  await expect(bars.last()).toHaveClass(/is-current/);
  expect(await axeViolations(page, "/explore with a region chosen")).toEqual([]);

  // Back shows the dashboard before, and the filter says so.
  await page.goBack();
  await expect(page).toHaveURL(/\/explore$/);
  await expect(chart).toHaveAttribute("data-total", everyone);
  await expect(page.getByLabel("Show the dashboard of")).toHaveValue("/");
  expect(problems).toEqual([]);
});

test.describe("the explorer without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the filter is a form sent with GET", async ({ page }) => {
    const region = await milestonesTotal(page, "/regions/americas");
    await page.goto("/explore");
    await page.getByLabel("Show the dashboard of").selectOption("/regions/americas");
    await page.getByRole("button", { name: "Show", exact: true }).click();
    await expect(page).toHaveURL(/\/explore\?dashboard=%2Fregions%2Famericas$/);
    await expect(page.locator("figure[data-chart=milestones]")).toHaveAttribute("data-total", region);
    await expect(page.getByLabel("Show the dashboard of")).toHaveValue("/regions/americas");
  });
});
