// End-to-end test of the browser dashboard (examples/web) in headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core). Starts examples/web/serve.mjs on a free port,
// loads the page, expands the tree, compares the rollup the page shows with the Rust answer
// (examples/web_expect.rs), submits the eligibility form, checks a bad and a good roster and a
// ~10 MB one (in the worker, with progress, the page staying responsive). Screenshots go to
// test-output/web/. Any failed step, page error or console error exits 1.
//
//   node tests/web/e2e.mjs          (after ./scripts/build-wasm.sh; scripts/test-web.sh runs it)
//
// Environment: CHROMIUM (default /usr/bin/chromium), WEB_EXPECT_BIN (a built web-expect binary;
// default `cargo run --release -q -p tongxin-examples --bin web-expect`), TONGXIN_WASM_PKG
// (another wasm-bindgen --target web output to serve under /pkg/).
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const out = path.join(root, "test-output/web");
const fixtures = path.join(root, "cli/tests/fixtures");
const pkg = process.env.TONGXIN_WASM_PKG || path.join(root, "bindings-wasm/pkg/web");
const DATE = "2024-06-30";
const ROLLUP_ORG = "sz-zlh-futian";
const CHECK = { person: "p-0003", org: "sz-zlh" };
const started = Date.now();

let failed = false;
const problems = [];
function fail(msg) {
  throw new Error(msg);
}
function assertEq(got, want, what) {
  if (got !== want) fail(`${what}: page shows ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

/** The Rust answers. */
function expected() {
  const args = ["--date", DATE, "--org", ROLLUP_ORG, "--person", CHECK.person, "--check-org", CHECK.org];
  const bin = process.env.WEB_EXPECT_BIN;
  const text = bin
    ? execFileSync(bin, args, { encoding: "utf8" })
    : execFileSync("cargo", ["run", "--release", "-q", "-p", "tongxin-examples", "--bin", "web-expect", "--", ...args],
      { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(text);
}

/** Starts serve.mjs on a free port; resolves with its base URL. */
function serve() {
  const child = spawn(process.execPath, [path.join(root, "examples/web/serve.mjs"), "0"], {
    stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, TONGXIN_WASM_PKG: pkg },
  });
  return new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error("serve.mjs did not start within 10 s")), 10_000);
    child.on("exit", (code) => reject(new Error(`serve.mjs exited with ${code}`)));
    child.stdout.on("data", (d) => {
      buf += d;
      const m = buf.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
  });
}

async function step(name, fn) {
  const t = Date.now();
  await fn();
  console.log(`ok   ${name} (${Date.now() - t} ms)`);
}

/** A persons roster of about `mb` megabytes, every row valid. */
function bigRoster(dir, mb) {
  const rows = ["id,party,title,stratum,birth_year,name,sex"];
  let size = rows[0].length + 1;
  for (let i = 0; size < mb * 1024 * 1024; i++) {
    const r = `web${String(i).padStart(7, "0")},non_party,senior,none,${1950 + (i % 50)},测试人员${i % 1000},${i % 2 ? "male" : "female"}`;
    rows.push(r);
    size += Buffer.byteLength(r) + 1;
  }
  const file = path.join(dir, "persons.csv");
  writeFileSync(file, rows.join("\n") + "\n");
  return { file, rows: rows.length - 1, bytes: size };
}

async function main() {
  if (!existsSync(path.join(pkg, "tongxin.js"))) fail(`${pkg}/tongxin.js missing: run ./scripts/build-wasm.sh first`);
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(executablePath)) fail(`${executablePath} missing: apt-get install -y chromium`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), "tongxin-web-"));

  let want;
  await step("Rust answers (web-expect)", () => {
    want = expected();
  });
  const { child: server, url } = await serve();
  let browser;
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: "zh-CN" });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()}`);
    });
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    const checkProblems = () => {
      if (problems.length) fail(problems.join("\n"));
    };
    const shot = (name) => page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });

    try {
      await step("page loads the demo dataset", async () => {
        await page.goto(url);
        await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
        const ready = await page.getAttribute("body", "data-ready");
        if (ready !== "true") fail(`page did not load: ${await page.textContent("#status")}`);
        const status = await page.textContent("#status");
        if (!status.includes("8327 条命令")) fail(`status line: ${status}`);
        checkProblems();
        await shot("01-loaded");
      });

      await step("tree expands and the rollup matches Rust", async () => {
        const child = page.getByTestId(`org-${ROLLUP_ORG}`);
        if (await child.isVisible()) fail(`${ROLLUP_ORG} visible before expanding`);
        await page.getByTestId("toggle-sz-zlh").click();
        await child.waitFor({ state: "visible" });
        assertEq(await page.getAttribute('li[data-org-id="sz-zlh"]', "aria-expanded"), "true", "aria-expanded");
        await child.click();
        await page.waitForFunction((id) => document.getElementById("selected-org").textContent.includes(id), ROLLUP_ORG);
        assertEq(Number(await page.textContent("#rollup-total")), want.rollup.total, `rollup total of ${ROLLUP_ORG} on ${DATE}`);
        assertEq(Number(await page.textContent('#party-table tr[data-key="无党派人士"] td.num')), want.rollup.party.non_party, "non-party members");
        assertEq(Number(await page.textContent('#title-table tr[data-key="正高级"] td.num')), want.rollup.title.senior, "senior titles");
        const bars = await page.locator("#party-chart svg rect").count();
        const nonZero = Object.values(want.rollup.party).filter((n) => n > 0).length;
        assertEq(bars, nonZero, "bars in the party chart");
        if (!(await page.locator("#growth-chart svg polyline").count())) fail("no growth line");
        if (!(await page.locator("#coverage-grid .cell.covered").count())) fail("no covered division in the coverage grid");
        await page.getByTestId("toggle-sz-zlh").click();
        await child.waitFor({ state: "hidden" });
        await page.getByTestId("toggle-sz-zlh").click();
        checkProblems();
        await shot("02-tree-stats");
      });

      await step("search by name", async () => {
        await page.fill("#org-search", "福田");
        await page.getByTestId(`hit-${ROLLUP_ORG}`).waitFor();
        await page.fill("#org-search", "");
      });

      await step("eligibility form explains its answer in Chinese", async () => {
        await page.fill("#elig-person", CHECK.person);
        await page.fill("#elig-org", CHECK.org);
        await page.fill("#elig-date", DATE);
        await page.click("#elig-submit");
        const verdict = page.getByTestId("elig-verdict");
        await verdict.waitFor();
        assertEq(await verdict.getAttribute("data-eligible"), String(want.check.eligible), "eligible");
        const [first, ...lines] = want.check.explanation_zh.split("\n");
        assertEq((await page.textContent("#elig-explanation")).trim(), first, "explanation_zh");
        if (!/[\u4e00-\u9fff]/.test(first)) fail("explanation is not Chinese");
        const shown = await page.locator("#elig-rules li").allTextContents();
        assertEq(shown.join("\n"), lines.join("\n"), "per-rule explanations");
        checkProblems();
        await page.locator("#elig-panel").screenshot({ path: path.join(out, "03-eligibility.png") });
      });

      const pick = async (dir, kinds) => {
        for (const k of ["orgs", "persons", "memberships", "enterprises"]) {
          await page.setInputFiles(`#roster-${k}`, kinds.includes(k) ? path.join(dir, `${k}.csv`) : []);
        }
        await page.click("#roster-check");
      };
      const result = page.getByTestId("roster-result");

      await step("bad roster: errors listed by file and line", async () => {
        await pick(path.join(fixtures, "bad"), ["orgs", "persons", "memberships"]);
        await page.waitForSelector('#roster-result[data-status="errors"]');
        const rows = await page.locator('#roster-errors tr[data-testid="roster-error"]').evaluateAll((trs) =>
          trs.map((tr) => `${tr.dataset.file}:${tr.dataset.line}`));
        for (const where of ["orgs.csv:3", "persons.csv:3", "memberships.csv:3"]) {
          if (!rows.includes(where)) fail(`no error listed at ${where}; listed: ${rows.join(", ")}`);
        }
        checkProblems();
        await page.locator("#roster-panel").screenshot({ path: path.join(out, "04-roster-bad.png") });
      });

      await step("good roster: success", async () => {
        await pick(path.join(fixtures, "small"), ["orgs", "persons", "memberships"]);
        await page.waitForSelector('#roster-result[data-status="ok"]');
        if (!(await result.textContent()).includes("校验通过")) fail("no success message");
        checkProblems();
      });

      await step("10 MB roster: checked in the worker with progress, page responsive", async () => {
        const big = bigRoster(tmp, 10);
        await page.evaluate(() => {
          const w = /** @type {any} */ (window);
          w.__maxGap = 0;
          let last = performance.now();
          w.__probe = setInterval(() => {
            const now = performance.now();
            w.__maxGap = Math.max(w.__maxGap, now - last);
            last = now;
          }, 20);
        });
        const t = Date.now();
        await pick(tmp, ["persons"]);
        await page.waitForSelector('#roster-result[data-status="ok"]', { timeout: 120_000 });
        const ms = Date.now() - t;
        const gap = await page.evaluate(() => {
          const w = /** @type {any} */ (window);
          clearInterval(w.__probe);
          return w.__maxGap;
        });
        const text = await result.textContent();
        if (!text.includes(`${big.rows} 行全部有效`)) fail(`expected ${big.rows} valid rows: ${text}`);
        const log = (await page.locator("#roster-log li").allTextContents()).join(" | ");
        if (!log.includes("已读取 persons.csv") || !log.includes("开始校验") || !log.includes("校验完成")) fail(`progress log: ${log}`);
        // The core's own progress (rows, then commands) reaches the page through the worker.
        if (!log.includes(`逐条应用 ${big.rows.toLocaleString()} 条命令`)) fail(`no applying stage in the log: ${log}`);
        assertEq(await page.locator("#roster-progress").evaluate((p) => p.value), 1, "progress bar at the end");
        if (gap > 500) fail(`main thread blocked for ${Math.round(gap)} ms during the check`);
        console.log(`     ${(big.bytes / 1048576).toFixed(1)} MB, ${big.rows} rows in ${ms} ms; longest main-thread gap ${Math.round(gap)} ms`);
        checkProblems();
        await shot("05-roster-big");
      });
    } catch (e) {
      await shot("failure").catch(() => {});
      throw e;
    }
  } finally {
    await browser?.close();
    server.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main()
  .catch((e) => {
    failed = true;
    console.error(`FAIL web e2e: ${e.message}`);
  })
  .finally(() => {
    console.log(`${failed ? "FAILED" : "passed"}: web e2e in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${path.relative(root, out)}/`);
    process.exit(failed ? 1 : 0);
  });
