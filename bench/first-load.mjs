// First load of a page as a reader on a phone gets it: Debian's Chromium with the cache
// off, DevTools' "Slow 4G" network (562.5 ms latency, 1.44 Mbit/s down, 675 kbit/s up)
// and a CPU four times slower. For each path: the milliseconds until the page is ready
// and the bytes of every file the page loaded (HTML, CSS, JS, WASM) as a browser over
// HTTPS receives them, brotli-compressed: Chromium asks for brotli only over HTTPS, so
// each file is fetched again with `Accept-Encoding: br` and its compressed body counted.
// Ready means hydrated (`<body data-hydrated>`, set once the page's islands are) on a page
// that loads the WASM, and loaded (the `load` event's end) on a page that loads no script
// because it has nothing to hydrate.
//
//   node bench/first-load.mjs http://127.0.0.1:3000 / /commitments/XYZ0001 \
//     --as=poc@demo.example:demo-poc-password /commitments/XAA0001
// Paths after `--as=EMAIL:PASSWORD` are loaded signed in as that account (signed in once,
// without throttling). Prints one JSON line per path:
// {path, signed_in, script, islands, ready_ms, runs, files, bytes_br, bytes_zstd, by_kind}
// (by_kind in brotli bytes). Chromium asks for zstd as well over HTTPS, and prefers it.
import { createRequire } from "node:module";
import http from "node:http";

const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const { chromium } = require("@playwright/test");

const [base, ...args] = process.argv.slice(2);
const paths = args.filter((a) => !a.startsWith("--as="));
if (!base || paths.length === 0) {
  console.error("usage: node bench/first-load.mjs BASE_URL PATH...");
  process.exit(2);
}
const runs = Number(process.env.FIRST_LOAD_RUNS ?? 3);

// The bytes of `url` as sent to a browser asking for `wanted` ("br" or "zstd"), with the
// signed-in account's cookies when there is one.
function compressedBytes(url, wanted, account) {
  const cookie = account ? account.state.cookies.map((c) => `${c.name}=${c.value}`).join("; ") : "";
  const headers = { "accept-encoding": wanted, ...(cookie ? { cookie } : {}) };
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers }, (response) => {
      let bytes = 0;
      response.on("data", (chunk) => (bytes += chunk.length));
      response.on("end", () => {
        const encoding = response.headers["content-encoding"] ?? "identity";
        // Small files are sent as they are; anything else must come compressed.
        if (encoding !== wanted && bytes > 1024) reject(new Error(`${url} came ${encoding}, not ${wanted}`));
        else resolve({ bytes, encoding });
      });
    });
    request.on("error", reject);
  });
}

function kind(url) {
  const path = new URL(url).pathname;
  const extension = path.includes(".") ? path.split(".").pop() : "html";
  return ["wasm", "js", "css"].includes(extension) ? extension : extension === "html" ? "html" : "other";
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
// The cookies of `email` signed in, to load pages as that account.
async function signedIn(account) {
  const [email, password] = account.split(/:(.*)/s);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "/sign-in");
  await page.locator("input[name=email]").fill(email);
  await page.locator("input[name=password]").fill(password);
  await Promise.all([page.waitForNavigation(), page.locator("form[action='/sign-in'] button[type=submit]").click()]);
  const state = await context.storageState();
  await context.close();
  if (!state.cookies.some((c) => c.httpOnly)) throw new Error(`cannot sign in as ${email}`);
  return { email, state };
}

try {
  let account = null;
  for (const arg of args) {
    if (arg.startsWith("--as=")) {
      account = await signedIn(arg.slice("--as=".length));
      continue;
    }
    const path = arg;
    const times = [];
    let urls = [];
    let script = false;
    let islands = 0;
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext(account ? { storageState: account.state } : {});
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 562.5,
        downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8,
        uploadThroughput: (750 * 1024 * 0.9) / 8,
      });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      // The moment the app marks the page hydrated, not when the test next looks.
      await page.addInitScript(() => {
        new MutationObserver(() => {
          if (document.body?.dataset.hydrated === "true" && window.hydratedAt === undefined) {
            window.hydratedAt = performance.now();
          }
        }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
      });
      const loaded = [];
      page.on("response", (response) => loaded.push(response.url()));
      const response = await page.goto(base + path, { waitUntil: "commit" });
      if (!response || response.status() !== 200) {
        throw new Error(`${path} answered ${response?.status()}`);
      }
      await page.waitForLoadState("load", { timeout: 120_000 });
      script = (await page.locator("link[rel=modulepreload]").count()) > 0;
      islands = await page.locator("leptos-island").count();
      if (script) {
        await page.waitForSelector("body[data-hydrated=true]", { timeout: 120_000 });
        times.push(await page.evaluate(() => window.hydratedAt));
      } else {
        times.push(await page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd));
      }
      urls = loaded.filter((url) => url.startsWith(base));
      await context.close();
    }
    let total = 0;
    let totalZstd = 0;
    const byKind = {};
    for (const url of new Set(urls)) {
      const { bytes } = await compressedBytes(url, "br", account);
      total += bytes;
      totalZstd += (await compressedBytes(url, "zstd", account)).bytes;
      const k = kind(url);
      byKind[k] = (byKind[k] ?? 0) + bytes;
    }
    times.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        path,
        signed_in: account?.email ?? null,
        script,
        islands,
        ready_ms: Math.round(times[Math.floor(times.length / 2)]),
        runs: times.map(Math.round),
        files: new Set(urls).size,
        bytes_br: total,
        bytes_zstd: totalZstd,
        by_kind: byKind,
      }),
    );
  }
} finally {
  await browser.close();
}
