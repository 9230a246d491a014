// The npm package as a user installs it: `npm pack` of bindings-wasm/pkg, installed into an
// empty project, then loaded by name through its `exports` from CommonJS and from an ES module
// (Node resolves the `node` condition: the synchronous CommonJS build), and the `web` build's
// files present for browsers and bundlers.
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "./lib.mjs";

test("npm pack → npm install → require and import by name", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tongxin-pkg-"));
  try {
    const pkg = path.join(ROOT, "bindings-wasm/pkg");
    const tarball = execFileSync("npm", ["pack", pkg, "--silent", "--pack-destination", dir], { cwd: dir })
      .toString().trim().split("\n").pop();
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", path.join(dir, tarball)], { cwd: dir });
    const installed = path.join(dir, "node_modules/tongxin");
    for (const f of ["package.json", "README.md", "node/tongxin.js", "node/tongxin.d.ts", "node/tongxin_bg.wasm",
      "web/tongxin.js", "web/tongxin.d.ts", "web/tongxin_bg.wasm"]) {
      assert.ok(existsSync(path.join(installed, f)), `package lacks ${f}`);
    }
    const script = `
      const { Registry, version } = require("tongxin");
      const reg = new Registry();
      reg.apply({ at: "2024-01-01T00:00:00", actor: "t" }, { type: "add_person",
        person: { id: "p1", party: "cpc", title: "none", stratum: "none" } });
      console.log(version(), reg.query({ type: "counts" }).persons);`;
    writeFileSync(path.join(dir, "cjs.cjs"), script);
    assert.match(execFileSync("node", ["cjs.cjs"], { cwd: dir }).toString(), /^\d+\.\d+\.\d+ 1\n$/);
    writeFileSync(path.join(dir, "esm.mjs"), `
      import { Registry } from "tongxin";
      console.log(new Registry().organizationCount());`);
    assert.equal(execFileSync("node", ["esm.mjs"], { cwd: dir }).toString(), "0\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
