// collector/build.mjs: the shipped file is what the source builds to and within its budget, and
// the minifier keeps the meaning of code that is easy to get wrong.
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import vm from "node:vm";
import { fileURLToPath } from "node:url";
import { build, tokenize, join, gzipSize, GZIP_BUDGET, SOURCE, SHIPPED } from "../../collector/build.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("the shipped collector is up to date with collector/src/callscope.js and within the gzip budget (build.mjs --check)", () => {
  const run = spawnSync(process.execPath, ["collector/build.mjs", "--check"], { cwd: root, encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.ok(gzipSize(fs.readFileSync(SHIPPED, "utf8")) <= GZIP_BUDGET);
});

test("the build is deterministic and says where the file comes from", () => {
  const source = fs.readFileSync(SOURCE, "utf8");
  const a = build(source).code, b = build(source).code;
  assert.equal(a, b);
  assert.match(a.split("\n").slice(0, 2).join("\n"), /Generated from collector\/src\/callscope\.js by `node collector\/build\.mjs`: do not edit by hand/);
});

// What a snippet evaluates to, as written and minified (comments and whitespace removed).
const evaluate = code => JSON.stringify(vm.runInNewContext(code)); // JSON: the values come from another realm
const minified = code => join(tokenize(code));
function same(code) {
  const small = minified(code);
  assert.deepEqual(evaluate(small), evaluate(code), `minified: ${small}`);
  return small;
}

test("strings, template literals with nested substitutions, and comment-like text inside them", () => {
  same(`const a = "// not a comment", b = '/* nor this */', c = \`x \${ \`in \${ 1 + { v: 2 }.v } ner\` } // y \${"}"}\`; [a, b, c]`);
  same(`const o = { "a b": 1 }; \`\${o["a b"]}\${\`\`}\${'\\\\'}\``);
});

test("regular expressions are told from division", () => {
  same(`const a = 10, b = 2, g = 5; [a / b / g, a /b/ g, /b/g.test("bb"), (a) / 2]`);
  same(`function f(s) { if (s) /x/.test(s); return /[/\\]]+/.exec(s)[0]; } f("a/]/b")`);
  same(`const x = 4; let y = x; y /= 2; [typeof /re/, y, x / /2/.source.length]`);
});

test("tokens that would merge get a space; ASI-sensitive line breaks stay", () => {
  same(`let a = 1, b = 2; [a + +b, a - -b, a++ + ++b, a-- - --b, 1 .toString(), typeof a, a in {1: 1}]`);
  same(`function f() { return\n42; } [f()]`);
  const small = same(`let a = 1\nlet b = a\n++b\nconst c = () => {}\n;[a, b, typeof c]`);
  assert.match(small, /\n\+\+b/);
  same(`const f = () => {}\nconst g = 2\n;[typeof f, g]`);
  assert.equal(minified("a = b\n(c)"), "a=b(c)", "no ASI before ( : joining keeps the meaning");
  assert.equal(minified("x // comment\n + /* block */ y"), "x+y");
});

test("renaming leaves strings, template text and regular expressions alone", () => {
  const tokens = tokenize("const seq = 1; const s = `seq ${seq}`; /seq/.test('seq')");
  const renamed = join(tokens.map(t => (t.type == "name" && t.text == "seq" ? { ...t, text: "q" } : t)));
  assert.equal(renamed, "const q=1;const s=`seq ${q}`;/seq/.test('seq')");
});

test("a regex right after } is refused rather than guessed", () => {
  assert.throws(() => tokenize("if (a) {}\n/re/.test(b)"), /ambiguous/);
});
