import { expect, Page, ConsoleMessage } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

// Collects console errors and warnings and uncaught exceptions: hydration mismatches and
// Content-Security-Policy violations show up here.
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

// Ready for a person: hydrated, on a page with islands (forms checked as people type) or
// answering a post; any other page loads no script and is ready once loaded.
export async function waitForHydration(page: Page) {
  if ((await page.locator("link[rel=modulepreload]").count()) === 0) {
    // An island on a page that loads no script would never answer.
    await expect(page.locator("leptos-island")).toHaveCount(0);
    return;
  }
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

// Signed in with the sign-in form, as a person would, once the form is ready.
export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("status")).toContainText("You are signed in.");
}

// What axe-core finds against WCAG 2.1 A and AA on the page as it is, each named with
// `what` (the page), the rule and where: an empty list passes.
export async function axeViolations(page: Page, what: string): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return results.violations.map(
    (v) => `${what}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}
