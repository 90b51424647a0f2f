import { test, expect } from "@playwright/test";
import { watchConsole, waitForHydration } from "./helpers";

// The public journey: overview → member → plan → commitment, on imported OGP data
// (Argentina's third plan, commitment AR0045).

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("server-rendered pages lead from the overview to a commitment", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Open Government Partnership commitments");
    await expect(page.locator("[data-stat=StatCommitments]")).not.toHaveText("0");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Members" }).click();
    await expect(page).toHaveURL(/\/members$/);
    // The filter is a plain form: it works without JavaScript.
    await page.getByLabel("Region").selectOption("americas");
    await page.getByRole("button", { name: "Apply filter" }).click();
    await expect(page).toHaveURL(/region=americas/);
    await page.getByRole("link", { name: "Argentina", exact: true }).click();

    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Argentina");
    await page.getByRole("link", { name: "Action plan 3" }).click();
    await expect(page).toHaveURL(/\/plans\/AP_ARG03$/);
    await page.getByRole("link", { name: "AR0045" }).click();

    await expect(page).toHaveURL(/\/commitments\/AR0045$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Apertura de datos del Congreso Nacional");
    const design = page.locator("article[data-stage=design]");
    await expect(design.locator("tr[data-indicator=potential_impact]")).toContainText("Transformative");
    const endOfTerm = page.locator("article[data-stage=end_of_term]");
    await expect(endOfTerm.locator("tr[data-indicator=completion]")).toContainText("Substantial");
    await expect(endOfTerm.locator("tr[data-indicator=opened_government]")).toContainText("Major");
  });

  test("unknown commitments get a 404 page", async ({ page }) => {
    const response = await page.goto("/commitments/ZZ9999");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  });
});

test.describe("with JavaScript", () => {
  test("what the public reads loads no script, without errors, from page to page", async ({ page }) => {
    const problems = watchConsole(page);
    await page.goto("/");
    // Pages are rendered by the server; the browser hydrates only islands (forms checked as
    // people type), and what the public reads holds none, so it loads no script at all.
    await expect(page.locator("leptos-island")).toHaveCount(0);
    await expect(page.locator("script[type=module], link[rel=modulepreload]")).toHaveCount(0);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Members" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Members");
    await page.getByRole("link", { name: "Argentina", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Argentina");
    await page.getByRole("link", { name: "Action plan 3" }).click();
    await expect(page).toHaveURL(/\/plans\/AP_ARG03$/);
    await page.getByRole("link", { name: "AR0045" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Apertura de datos del Congreso Nacional");
    await expect(page.locator("article[data-stage=design] tr[data-indicator=potential_impact]")).toContainText(
      "Transformative",
    );
    await expect(page.locator("script[type=module], link[rel=modulepreload]")).toHaveCount(0);
    expect(problems).toEqual([]);
  });

  test("the same journey in Arabic is right-to-left", async ({ page }) => {
    const problems = watchConsole(page);
    await page.goto("/");
    await page.getByRole("link", { name: "العربية" }).click();
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(page.locator("html")).toHaveAttribute("lang", "ar");
    await waitForHydration(page);
    await page.getByRole("navigation", { name: "الرئيسية" }).getByRole("link", { name: "الأعضاء" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("الأعضاء");
    await page.getByRole("link", { name: "Argentina", exact: true }).click();
    await page.getByRole("link", { name: "خطة العمل 3" }).click();
    await page.getByRole("link", { name: "AR0045" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Apertura de datos del Congreso Nacional");
    await expect(page.locator("article[data-stage=design] tr[data-indicator=potential_impact]")).toContainText("تحويلي");
    // The choice is remembered on the next visit.
    await page.goto("/members");
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    expect(problems).toEqual([]);
  });
});
