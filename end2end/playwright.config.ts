import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser. The server is the debug build of
// `ogp-tracker` (built by `cargo leptos build`), on the database prepared by `make test-e2e`.
const address = process.env.E2E_SITE_ADDR ?? "127.0.0.1:3100";
export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://${address}`,
    trace: "off",
  },
  webServer: {
    command: "target/debug/ogp-tracker serve",
    cwd: "..",
    url: `http://${address}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? "sqlite://target/e2e/e2e.db",
      LEPTOS_SITE_ADDR: address,
      LEPTOS_SITE_ROOT: "target/site",
      LOG_LEVEL: "warn",
    },
  },
  projects: [
    {
      name: "chromium",
      use: {
        browserName: "chromium",
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
});
