// The browser dashboard: loads the demo dataset into the WASM registry (main thread) and shows the
// organization tree, statistics (tables and hand-written SVG charts), an eligibility form, and a
// roster CSV check that runs in a Web Worker (worker.js) so large files do not freeze the page.
// Plain ES module, no dependencies; every registry call after `init()` is synchronous.
import init, { Registry, version } from "/pkg/tongxin.js";

/** @typedef {import("/pkg/tongxin.js").Organization} Organization */
/** @typedef {import("/pkg/tongxin.js").Rollup} Rollup */

const SEED_META = { at: "2025-01-01T00:00:00", actor: "seed-dataset" }; // as examples/seed_demo.rs
const CHECK_META = { at: "2025-01-01T00:00:00", actor: "web-dashboard" };

const PARTY_ZH = {
  cpc: "中共党员", non_party: "无党派人士", min_ge: "民革", min_meng: "民盟", min_jian: "民建",
  min_jin: "民进", nong_gong: "农工党", zhi_gong: "致公党", jiu_san: "九三学社", tai_meng: "台盟",
  mass: "群众",
};
const TITLE_ZH = { none: "无职称", junior: "初级", intermediate: "中级", associate_senior: "副高级", senior: "正高级" };
const KIND_ZH = {
  zhilianhui: "知联会", xinlianhui: "新联会", wanglianhui: "网联会", returned_scholars: "留联会",
  tongxinhui: "同心荟", base: "基地", democratic_party_branch: "民主党派支部", party_committee: "党委",
  party_branch: "党支部", chamber: "商会", advisory_studio: "工作室", special_committee: "专委会",
  online_group: "网络群组", other: "其他",
};
const CODE_ZH = {
  invalid_value: "取值无效", rule_violation: "违反规则", not_found: "引用不存在", duplicate_id: "编号重复",
  missing_column: "缺少列", unknown_column: "未知列", malformed: "格式错误", invalid_identifier: "证件号无效",
};
const MAX_ERROR_ROWS = 500;

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = String(v);
    else if (k === "text") e.textContent = String(v);
    else e.setAttribute(k, String(v));
  }
  e.append(...children);
  return e;
};
const fmtBytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`);

/** @type {Registry} */
let reg;
let asOf = $("as-of").value;
let selected = "";
/** @type {Map<string, Organization>} */
const orgCache = new Map();
/** @type {Map<string, Rollup>} rollups of the current date by dimension */
let rollups = new Map();

function org(id) {
  let o = orgCache.get(id);
  if (!o) {
    o = reg.query({ type: "organization", id });
    orgCache.set(id, o);
  }
  return o;
}

function rollup(by) {
  let r = rollups.get(by);
  if (!r) {
    r = reg.stats({ stat: "rollup", as_of: asOf, by });
    rollups.set(by, r);
  }
  return r;
}

function rowOf(r, id) {
  return r.rows.find((x) => x.org_id === id);
}

// ------------------------------------------------------------------------------------------
// Organization tree

function nodeEl(id) {
  const o = org(id);
  const children = reg.query({ type: "children", org: id, date: asOf });
  const total = rowOf(rollup("party"), id)?.total ?? 0;
  const li = el("li", { role: "treeitem", "data-org-id": id, "aria-expanded": children.length ? "false" : null });
  const toggle = el("button", {
    type: "button", class: "toggle", "data-testid": `toggle-${id}`, "aria-label": "展开/收起",
    text: children.length ? "▸" : "·", disabled: children.length ? null : true,
  });
  const name = el("button", { type: "button", class: "name", "data-testid": `org-${id}`, title: id },
    o.name, el("span", { class: "kind", text: KIND_ZH[o.kind] ?? o.kind }),
    el("span", { class: "count", text: `${total}人` }));
  const ul = el("ul", { role: "group", hidden: true });
  toggle.addEventListener("click", () => setExpanded(li, li.getAttribute("aria-expanded") !== "true"));
  name.addEventListener("click", () => select(id));
  li.append(toggle, name, ul);
  if (id === selected) li.classList.add("selected");
  return li;
}

function setExpanded(li, open) {
  if (!li.hasAttribute("aria-expanded")) return;
  const ul = /** @type {HTMLElement} */ (li.querySelector(":scope > ul"));
  if (open && !ul.childElementCount) {
    const id = li.dataset.orgId;
    ul.append(...reg.query({ type: "children", org: id, date: asOf }).map(nodeEl));
  }
  ul.hidden = !open;
  li.setAttribute("aria-expanded", String(open));
  li.querySelector(":scope > .toggle").textContent = open ? "▾" : "▸";
}

function renderTree() {
  const roots = reg.query({ type: "roots", date: asOf });
  $("tree").replaceChildren(...roots.map(nodeEl));
  return roots;
}

/** Expands the path to `id` and scrolls it into view. */
function reveal(id) {
  const path = [...reg.query({ type: "ancestors", org: id, date: asOf })].reverse();
  for (const a of path) {
    const li = $("tree").querySelector(`li[data-org-id="${CSS.escape(a)}"]`);
    if (li) setExpanded(li, true);
  }
  $("tree").querySelector(`li[data-org-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: "nearest" });
}

/** Every organization existing on the date, for the name search. */
function allOrgs() {
  return [...new Set(allOrgsAt(asOf))].map(org);
}

function search(text) {
  const box = $("search-results");
  const q = text.trim().toLowerCase();
  if (!q) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const byPrefix = new Set(reg.query({ type: "search_organizations", prefix: text.trim() }).map((o) => o.id));
  const hits = allOrgs()
    .filter((o) => byPrefix.has(o.id) || o.name.toLowerCase().includes(q) || o.id.includes(q))
    .sort((a, b) => Number(byPrefix.has(b.id)) - Number(byPrefix.has(a.id)))
    .slice(0, 30);
  box.replaceChildren(...(hits.length ? hits.map((o) => {
    const b = el("button", { type: "button", "data-testid": `hit-${o.id}` }, o.name, el("span", { class: "kind", text: o.id }));
    b.addEventListener("click", () => {
      reveal(o.id);
      select(o.id);
    });
    return el("li", {}, b);
  }) : [el("li", { class: "muted", text: "没有匹配的组织" })]));
  box.hidden = false;
}

// ------------------------------------------------------------------------------------------
// Statistics

function select(id) {
  selected = id;
  for (const li of $("tree").querySelectorAll("li.selected")) li.classList.remove("selected");
  $("tree").querySelector(`li[data-org-id="${CSS.escape(id)}"]`)?.classList.add("selected");
  $("elig-org").value = id;
  renderStats();
}

function renderStats() {
  if (!selected) return;
  const o = org(selected);
  $("selected-org").textContent = `${o.name}（${o.id}）`;
  const party = rowOf(rollup("party"), selected);
  $("rollup-total").textContent = String(party?.total ?? 0);
  breakdown("party", PARTY_ZH);
  breakdown("title", TITLE_ZH);
  renderCoverage(o);
  renderGrowth(o);
}

function breakdown(by, labels) {
  const r = rollup(by);
  const row = rowOf(r, selected);
  const pairs = r.columns.map((c, i) => [labels[c] ?? c, row?.counts[i] ?? 0]);
  const shown = pairs.filter(([, n]) => n > 0);
  $(`${by}-chart`).replaceChildren(shown.length ? barChart(shown) : el("p", { class: "muted", text: "该日无在册成员" }));
  const table = $(`${by}-table`);
  table.replaceChildren(
    el("thead", {}, el("tr", {}, el("th", { text: by === "party" ? "党派" : "职称" }), el("th", { text: "人数" }))),
    el("tbody", {}, ...pairs.map(([k, n]) => el("tr", { "data-key": k }, el("td", { text: k }), el("td", { class: "num", text: n })))),
  );
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}

/** Horizontal bars, one per [label, value]. */
function barChart(pairs) {
  const rowH = 22, labelW = 90, width = 420, barW = width - labelW - 50;
  const max = Math.max(1, ...pairs.map(([, n]) => n));
  const s = svg("svg", { viewBox: `0 0 ${width} ${pairs.length * rowH + 4}`, role: "img", class: "bars" });
  pairs.forEach(([label, n], i) => {
    const y = i * rowH + 2;
    s.append(
      svg("text", { x: labelW - 6, y: y + 15, "text-anchor": "end" }, label),
      svg("rect", { x: labelW, y: y + 3, width: Math.max(1, (n / max) * barW), height: rowH - 6, rx: 2 }),
      svg("text", { x: labelW + (n / max) * barW + 4, y: y + 15, class: "value" }, n),
    );
  });
  return s;
}

function renderCoverage(o) {
  const code = o.division_code;
  const within = code.length >= 4 ? code.slice(0, 4) : code.slice(0, 2);
  const level = code.length >= 4 ? "county" : "city";
  const grid = $("coverage-grid");
  $("coverage-caption").textContent = `${KIND_ZH[o.kind] ?? o.kind}覆盖：${within} 下属${level === "county" ? "区县" : "地市"}`;
  try {
    const cov = reg.stats({ stat: "coverage", kind: o.kind, within, level, as_of: asOf });
    const covered = cov.rows.filter((r) => r.covered).length;
    grid.replaceChildren(
      el("p", { class: "muted", text: `已覆盖 ${covered} / ${cov.rows.length}` }),
      el("div", { class: "cells" }, ...cov.rows.map((r) => el("div", {
        class: r.covered ? "cell covered" : "cell", "data-code": r.division_code,
        title: r.covered ? `${r.name}：${r.organizations.join("、")}` : `${r.name}：尚未建立`,
      }, el("b", { text: r.name }), el("span", { text: r.covered ? `${r.organizations.length} 个组织` : "未覆盖" })))),
    );
  } catch (e) {
    grid.replaceChildren(el("p", { class: "muted", text: `无法计算覆盖：${e.message}` }));
  }
}

function renderGrowth(o) {
  const lastYear = Number(asOf.slice(0, 4));
  const firstYear = Math.max(Number(o.founded.slice(0, 4)), lastYear - 14);
  const series = reg.stats({ stat: "series", from: `${firstYear}-01-01`, to: asOf, every: "year" });
  const periods = [];
  for (let y = firstYear; y <= lastYear; y++) {
    periods.push({ from: `${y}-01-01`, to: y === lastYear ? asOf : `${y}-12-31` });
  }
  const growth = reg.stats({ stat: "growth", root: o.id, periods });
  // Year ends before the as-of day from the series, then the as-of day itself.
  const totals = new Map(series.map((/** @type {Rollup} */ r) => [r.as_of.slice(0, 4), rowOf(r, o.id)?.total ?? 0]));
  totals.set(String(lastYear), rowOf(rollup("party"), o.id)?.total ?? 0);
  const points = periods.map((p) => ({ label: p.to, total: totals.get(p.to.slice(0, 4)) ?? 0 }));
  $("growth-chart").replaceChildren(lineBarChart(points, growth.map((g) => g.joins)));
  $("growth-table").replaceChildren(
    el("thead", {}, el("tr", {}, ...["年份", "期末在册", "入会", "离会", "净增"].map((t) => el("th", { text: t })))),
    el("tbody", {}, ...growth.map((g, i) => el("tr", {},
      el("td", { text: g.from.slice(0, 4) }), el("td", { class: "num", text: points[i].total }),
      el("td", { class: "num", text: g.joins }), el("td", { class: "num", text: g.leaves }),
      el("td", { class: "num", text: g.net })))),
  );
}

/** Totals as a line over bars of joins, one x position per period. */
function lineBarChart(points, joins) {
  const w = 640, h = 220, l = 44, r = 12, t = 14, b = 28;
  const n = Math.max(1, points.length);
  const max = Math.max(1, ...points.map((p) => p.total), ...joins);
  const x = (i) => l + ((i + 0.5) * (w - l - r)) / n;
  const y = (v) => t + (h - t - b) * (1 - v / max);
  const s = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", class: "line" });
  for (const v of [0, Math.round(max / 2), max]) {
    s.append(svg("line", { x1: l, x2: w - r, y1: y(v), y2: y(v), class: "grid" }),
      svg("text", { x: l - 6, y: y(v) + 4, "text-anchor": "end" }, v));
  }
  const bw = Math.max(4, ((w - l - r) / n) * 0.5);
  joins.forEach((j, i) => s.append(svg("rect", { x: x(i) - bw / 2, y: y(j), width: bw, height: y(0) - y(j), class: "joins" })));
  s.append(svg("polyline", { points: points.map((p, i) => `${x(i)},${y(p.total)}`).join(" "), class: "total" }));
  points.forEach((p, i) => {
    s.append(svg("circle", { cx: x(i), cy: y(p.total), r: 3 }), svg("title", {}, `${p.label}：${p.total}人`));
    if (n <= 16 || i % 2 === 0) s.append(svg("text", { x: x(i), y: h - 8, "text-anchor": "middle" }, p.label.slice(0, 4)));
  });
  return s;
}

// ------------------------------------------------------------------------------------------
// Eligibility

function checkEligibility(ev) {
  ev.preventDefault();
  const person = $("elig-person").value.trim();
  const orgId = $("elig-org").value.trim();
  const date = $("elig-date").value;
  const out = $("elig-result");
  try {
    const c = reg.rules({ question: "check", member: { person }, org: orgId, as_of: date });
    const [verdict, ...lines] = c.explanation_zh.split("\n");
    out.replaceChildren(
      el("p", { id: "elig-verdict", "data-testid": "elig-verdict", "data-eligible": String(c.eligible), class: c.eligible ? "ok" : "bad" },
        c.eligible ? "✓ 符合入会条件" : "✗ 不符合入会条件", c.already_member ? el("span", { class: "muted", text: "（已是会员）" }) : ""),
      el("p", { id: "elig-explanation", "data-testid": "elig-explanation", text: verdict }),
      el("ul", { id: "elig-rules", "data-testid": "elig-rules" }, ...(lines.length ? lines : ["无适用的入会条件"]).map((t) => el("li", { text: t }))),
    );
  } catch (e) {
    out.replaceChildren(el("p", { id: "elig-error", "data-testid": "elig-error", class: "bad", text: `核查失败（${e.code ?? "error"}）：${e.message}` }));
  }
}

// ------------------------------------------------------------------------------------------
// Roster check in a worker

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let workerReady = false;

function rosterLog(text) {
  $("roster-log").append(el("li", { text }));
}

function progress(value, phase) {
  const bar = /** @type {HTMLProgressElement} */ ($("roster-progress"));
  bar.value = value;
  $("roster-phase").textContent = phase;
}

worker.addEventListener("message", (ev) => {
  const m = ev.data;
  if (m.type === "ready") {
    workerReady = true;
    $("roster-check").disabled = false;
  } else if (m.type === "progress") {
    if (m.phase === "reading") {
      progress(m.total ? (0.8 * m.loaded) / m.total : 0, `读取 ${m.file}：${fmtBytes(m.fileLoaded)} / ${fmtBytes(m.fileSize)}`);
      if (m.fileLoaded === m.fileSize) rosterLog(`已读取 ${m.file}（${fmtBytes(m.fileSize)}）`);
    } else if (m.phase === "checking") {
      // Reading the files is the first 80 %; the core's rows and commands the rest.
      const part = m.rows ? m.done / m.rows : 0;
      const [from, what] = m.stage === "applying" ? [0.9, "应用"] : [0.8, "校验行"];
      progress(from + 0.1 * part, `${what}：${m.done.toLocaleString()} / ${m.rows.toLocaleString()}`);
      if (m.done === 0 && m.stage === "reading") rosterLog(`开始校验（${fmtBytes(m.total)}）`);
      if (m.done === 0 && m.stage === "applying") rosterLog(`逐条应用 ${m.rows.toLocaleString()} 条命令`);
    }
  } else if (m.type === "done") {
    progress(1, `完成，用时 ${m.ms} ms`);
    rosterLog(`校验完成，用时 ${m.ms} ms`);
    showReport(m.report);
    $("roster-check").disabled = false;
  } else if (m.type === "error") {
    progress(0, "失败");
    $("roster-result").replaceChildren(el("p", { class: "bad", "data-status": "failed", text: `校验失败（${m.code ?? "error"}）：${m.message}` }));
    $("roster-result").dataset.status = "failed";
    $("roster-check").disabled = false;
  }
});
worker.addEventListener("error", (ev) => {
  $("roster-phase").textContent = `后台线程出错：${ev.message}`;
});

function startCheck() {
  const files = {};
  for (const k of ["orgs", "persons", "memberships", "enterprises"]) {
    const f = /** @type {HTMLInputElement} */ ($(`roster-${k}`)).files?.[0];
    if (f) files[k] = f;
  }
  const result = $("roster-result");
  delete result.dataset.status;
  if (!Object.keys(files).length) {
    result.replaceChildren(el("p", { class: "muted", text: "请先选择至少一个名册文件" }));
    return;
  }
  if (!workerReady) return;
  $("roster-check").disabled = true;
  $("roster-log").replaceChildren();
  result.replaceChildren();
  progress(0, "准备读取…");
  worker.postMessage({ type: "check", files, meta: CHECK_META });
}

function showReport(report) {
  const result = $("roster-result");
  if (!report.errors.length) {
    result.dataset.status = "ok";
    result.replaceChildren(el("p", { class: "ok", "data-testid": "roster-ok", text: `✓ 校验通过：${report.rows_ok} 行全部有效，可以导入。` }));
    return;
  }
  result.dataset.status = "errors";
  const errors = [...report.errors].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
  const files = [...new Set(errors.map((e) => e.file))];
  result.replaceChildren(
    el("p", { class: "bad", "data-testid": "roster-summary",
      text: `✗ 发现 ${errors.length} 个问题（${files.map((f) => `${f} ${errors.filter((e) => e.file === f).length} 个`).join("，")}）；有效 ${report.rows_ok} 行，跳过 ${report.rows_skipped} 行。` }),
    el("table", { id: "roster-errors", "data-testid": "roster-errors" },
      el("thead", {}, el("tr", {}, ...["文件", "行号", "列", "值", "问题", "说明"].map((t) => el("th", { text: t })))),
      el("tbody", {}, ...errors.slice(0, MAX_ERROR_ROWS).map((e) => el("tr", { "data-testid": "roster-error", "data-file": e.file, "data-line": e.line ?? "" },
        el("td", { text: e.file }), el("td", { class: "num", text: e.line ?? "—" }), el("td", { text: e.column ?? "" }),
        el("td", { text: e.value ?? "" }), el("td", { text: `${CODE_ZH[e.code] ?? e.code}${e.rule ? `（${e.rule.code}）` : ""}` }),
        el("td", { class: "msg", text: e.message }))))),
    errors.length > MAX_ERROR_ROWS ? el("p", { class: "muted", text: `仅显示前 ${MAX_ERROR_ROWS} 个问题` }) : "",
  );
}

// ------------------------------------------------------------------------------------------
// Start

function setDate(d) {
  asOf = d;
  rollups = new Map();
  const roots = renderTree();
  if (!selected || !rowOf(rollup("party"), selected)) selected = roots[0] ?? "";
  if (selected) select(selected);
  if ($("org-search").value) search($("org-search").value);
}

async function main() {
  const t0 = performance.now();
  $("roster-check").disabled = true;
  await init();
  const text = await (await fetch("/data/seeds.jsonl")).text();
  const commands = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  reg = new Registry();
  const applied = reg.applyBatch(SEED_META, commands);
  worker.postMessage({ type: "init", seeds: text, meta: SEED_META });
  const c = reg.query({ type: "counts" });
  $("org-ids").replaceChildren(...allOrgsAt(asOf).map((id) => el("option", { value: id })));
  setDate(asOf);
  $("as-of").addEventListener("change", () => $("as-of").value && setDate($("as-of").value));
  $("org-search").addEventListener("input", (e) => search(/** @type {HTMLInputElement} */ (e.target).value));
  $("elig-form").addEventListener("submit", checkEligibility);
  $("roster-check").addEventListener("click", startCheck);
  $("status").textContent = `已加载示例数据 ${applied} 条命令：组织 ${c.organizations} 个、人士 ${c.persons} 名、企业 ${c.enterprises} 家、会籍 ${c.memberships} 条（tongxin ${version()}，用时 ${Math.round(performance.now() - t0)} ms）`;
  document.body.dataset.ready = "true";
}

function allOrgsAt(d) {
  return reg.query({ type: "roots", date: d }).flatMap((r) => reg.query({ type: "subtree", org: r, date: d }));
}

main().catch((e) => {
  $("status").textContent = `加载失败：${e.message}`;
  $("status").classList.add("bad");
  document.body.dataset.ready = "error";
  console.error(e);
});
