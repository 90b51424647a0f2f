import { expect, Page, ConsoleMessage } from "@playwright/test";

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
