// Every other test file again, against the shipped file (Resources/web/sdk/callscope.js, built by
// collector/build.mjs), each in a child `node --test` with CALLSCOPE_COLLECTOR=dist: the collector
// patches globals once per process, so the two variants cannot share one.
import test from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const own = new Set(["shipped.test.mjs", "build.test.mjs"]); // not about one variant
const files = fs.readdirSync(here).filter(f => f.endsWith(".test.mjs") && !own.has(f)).sort();

function nodeTest(file) {
  // NODE_TEST_CONTEXT would make the child report to this runner's protocol instead of as text.
  const { NODE_TEST_CONTEXT, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--test", "--test-reporter=spec", here + file], { env: { ...env, CALLSCOPE_COLLECTOR: "dist" } });
    let output = "";
    child.stdout.on("data", d => (output += d));
    child.stderr.on("data", d => (output += d));
    child.on("error", reject);
    child.on("close", code => resolve({ code, output }));
  });
}

if (process.env.CALLSCOPE_COLLECTOR) {
  test(`the suites against the shipped file: not repeated, this run is CALLSCOPE_COLLECTOR=${process.env.CALLSCOPE_COLLECTOR}`, { skip: true });
} else {
  for (const file of files) {
    test(`${file} against the shipped file`, async () => {
      const { code, output } = await nodeTest(file);
      assert.equal(code, 0, `CALLSCOPE_COLLECTOR=dist node --test Tests/collector/${file} failed:\n${output}`);
    });
  }
}
