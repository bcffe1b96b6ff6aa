#!/usr/bin/env node
// Builds the collector the server ships from its readable source:
//
//   node collector/build.mjs           writes Sources/CallscopeServer/Resources/web/sdk/callscope.js
//   node collector/build.mjs --check   builds in memory; exit 1 if the shipped file differs (stale)
//   node collector/build.mjs --names   also prints the short name given to each private name
//
// Either way it prints the raw and gzipped sizes and exits 1 when the gzipped file exceeds the
// budget (8 KB: docs/collector.md). Node built-ins only; the output depends on the source alone.
//
// What it does to collector/src/callscope.js:
//   1. tokenizes it (strings, template literals with nested `${}`, regular expressions told from
//      division by the token before them, comments, numbers, names, punctuators);
//   2. renames the names in PRIVATE_NAMES to short ones, everywhere they occur as a name token
//      (variable, property, method: one name, one short name), never inside strings, template
//      text or regular expressions;
//   3. joins the tokens without comments and whitespace, with a space only where two tokens would
//      otherwise merge, and a line break only where the source had one that automatic semicolon
//      insertion may depend on;
//   4. checks the result: it must tokenize back to the same tokens and compile.
//
// Renaming a name everywhere is safe only for names the program keeps to itself. So a name goes
// into PRIVATE_NAMES only when it is none of: a field of the wire format, a public method, option
// or property, something the browser defines, or an internal the tests or the end-to-end scripts
// read (those ship readable; see KEEP). The build refuses names it can tell are external: every
// name in a code span of docs/ingest-protocol.md or docs/collector.md, and KEEP.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import zlib from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SOURCE = path.join(ROOT, "collector/src/callscope.js");
export const SHIPPED = path.join(ROOT, "Sources/CallscopeServer/Resources/web/sdk/callscope.js");
const DOCS = ["docs/ingest-protocol.md", "docs/collector.md"].map(file => path.join(ROOT, file));
export const GZIP_BUDGET = 8192;

// The collector's own names, shortened in the shipped file.
export const PRIVATE_NAMES = [
  // module scope
  "globalScope", "KEPT_STAT_TYPES", "NOISY_MEMBER", "PAIR_COUNTER", "scriptUrl", "utf8", "screenTracks", "watchedObjects",
  "currentCollector", "earlyPeerConnections", "browserPatched", "peerConnectionCount", "backoffMs", "MEDIA_ERROR_CODES",
  "watchTrack", "patchBrowser", "Collector", "NativePeerConnection",
  // Outbox
  "lowestStoredSeq", "unsaved", "replaceWithFullReport", "remove", "forgotten", "compact", "serialized", "sentBefore",
  "clientInfo",
  // Collector
  "browserNavigator", "settings", "WebSocketClass", "fetchFunction", "storageKey", "sessionStore", "firstJoinSeq",
  "serverOrigin", "inFlightBatches", "failedConnects", "consecutiveErrors", "holdUntil", "counters", "startStatsTimer",
  "statsTimer", "halted", "enqueue", "hasLeft", "flushQueued", "attemptStartedAt", "connectedReported", "previousReport",
  "sentLabels", "fullReportAt", "fullReportSize", "watchTracksAndTransports", "pollStats", "tickRunning", "webSocket",
  "encodeFrame", "postBatch", "postInFlight", "handleAnswer", "scheduleRetry", "handleKick", "saveState",
  // locals and parameters
  "statsReport", "keepAllMembers", "slimReport", "newestTimestamp", "stat", "kept", "repeatsRtpCounts", "member", "value",
  "retryNumber", "nextReport", "messageTimestamp", "changesById", "sameValue", "nextStat", "previousStat", "changes",
  "differs", "appLabels", "autoLabels", "merged", "section", "autoSection", "appSection", "labelKey", "screenTrackSet",
  "transceiver", "sentTrack", "saved", "entry", "sum", "insertAt", "queued", "victim", "successor", "batchEntries", "batchBytes",
  "reply", "ok", "refusal", "refusalCode", "refusedAt", "ignoredAt", "item", "storedCount", "result", "lowestSeq",
  "highestSeq", "sessionAck", "deps", "clientHints", "clientInfoKnown", "highEntropyValues", "envelope",
  "fields", "record", "listen", "listener", "watchEach", "senderOrReceiver", "dtlsTransport", "startedAt", "nowMs",
  "statsMessage", "labelsJson", "isFull", "elapsedMs", "query", "opened", "onClosed", "closeCode", "closeEvent", "messageEvent",
  "frame", "httpStatus", "response", "previousSessionId", "delayMs", "store", "beacon", "beaconBytes", "trackEvent",
  "devices", "pcPrototype", "networkInfo", "hook", "methodName", "owner", "wrapper", "original", "args", "callOriginal", "arg",
  "stream", "failure", "counts", "mediaDevice",
];

// Internals the tests (Tests/collector) and e2e/browser_call.py read or set: readable in the
// shipped file too. Never put them in PRIVATE_NAMES.
export const KEEP = [
  "peerConnections", "monitorOptions", "id", "outbox", "entries", "maxBatchBytes", "lastMessageAt", "createdAt", "tick",
  "flush", "connect", "bye", "halt", "nextSeq", "seq", "message", "json", "fullReport", "size", "inFlight", "totalBytes",
  "sessionId", "droppedUnreported", "acked", "dropped", "resent", "rejected", "add", "take", "answer", "release", "dump",
  // public, and browser names the docs may not spell out
  "Callscope", "_internal", "_deps", "navigator", "storage", "fetch", "WebSocket", "sessionStorage", "transport", "track",
  "direction", "state", "status", "connection", "mediaDevices", "prototype", "out", "method", "headers", "body",
];

const RESERVED = new Set(("break case catch class const continue debugger default delete do else enum export extends false finally for " +
  "function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
  "implements interface package private protected public await async of get set undefined arguments eval NaN Infinity target meta").split(" "));
// After these names a `/` begins a regular expression; after any other name or value it divides.
const BEFORE_EXPRESSION = new Set("return typeof instanceof in of new delete void throw case do else yield await extends".split(" "));
// After `)` closing the head of one of these, a `/` begins a regular expression.
const STATEMENT_HEADS = new Set(["if", "while", "for", "with"]);
const PUNCTUATORS = [">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=", "<=", ">=",
  "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>"];
const NAME_START = /[A-Za-z_$]/, NAME_PART = /[\w$]/;
const NUMBER = /^(?:0[xXoObB][\da-fA-F_]+n?|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?n?)/;

class SyntaxProblem extends Error {
  constructor(message, source, at) {
    const line = source.slice(0, at).split("\n").length;
    super(`${message} (line ${line})`);
  }
}

/**
 * The tokens of a script: {type, text, start, newlineBefore}. Types: name (identifiers and keywords),
 * number, string, template (a whole template literal without substitutions, or one of its
 * pieces: `…${, }…${, }…`), regex, punct. Comments and whitespace are dropped; newlineBefore
 * says a line break (possibly inside a comment) preceded the token.
 */
export function tokenize(source) {
  const tokens = [];
  const braces = []; // "{" or "${" for every open brace: a `}` closing "${" resumes the template
  const parens = []; // for every open "(": whether it is the head of an if/while/for/with
  let closedHead = false; // the last token is a `)` that closed such a head
  let i = 0, newline = false;
  const push = (type, text, start = i) => {
    tokens.push({ type, text, start, newlineBefore: newline });
    newline = false;
  };
  const regexAllowed = () => {
    const last = tokens.at(-1);
    if (!last) return true;
    if (last.type == "name") return BEFORE_EXPRESSION.has(last.text);
    if (last.type == "punct") {
      if (last.text == ")") return closedHead;
      if (last.text == "}") throw new SyntaxProblem("a `/` right after `}` is ambiguous (regex or division): add parentheses", source, i);
      return last.text != "]" && last.text != "++" && last.text != "--";
    }
    if (last.type == "template") return last.text.endsWith("${");
    return false; // number, string, regex, end of a template
  };
  // From i (just after ` or }), up to and including the closing ` or the ${.
  const templatePiece = start => {
    let j = i;
    for (;;) {
      const c = source[j];
      if (c === undefined) throw new SyntaxProblem("unterminated template literal", source, start);
      if (c == "\\") j += 2;
      else if (c == "`") return source.slice(start, j + 1);
      else if (c == "$" && source[j + 1] == "{") {
        braces.push("${");
        return source.slice(start, j + 2);
      } else j++;
    }
  };
  // A template piece from i (at its opening ` or at the } that resumes it after a ${…}).
  const pushTemplatePiece = () => {
    const start = i;
    i++;
    const text = templatePiece(start);
    push("template", text, start);
    i = start + text.length;
    closedHead = false;
  };
  while (i < source.length) {
    const c = source[i], next = source[i + 1];
    if (c == "\n" || c == "\r" || c == "\u2028" || c == "\u2029") {
      newline = true;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c == "/" && next == "/") {
      while (i < source.length && !/[\n\r\u2028\u2029]/.test(source[i])) i++;
    } else if (c == "/" && next == "*") {
      const end = source.indexOf("*/", i + 2);
      if (end < 0) throw new SyntaxProblem("unterminated comment", source, i);
      if (/[\n\r\u2028\u2029]/.test(source.slice(i, end))) newline = true;
      i = end + 2;
    } else if (c == "'" || c == '"') {
      let j = i + 1;
      while (source[j] != c) {
        if (source[j] === undefined || source[j] == "\n") throw new SyntaxProblem("unterminated string", source, i);
        j += source[j] == "\\" ? 2 : 1;
      }
      push("string", source.slice(i, j + 1));
      i = j + 1;
    } else if (c == "`") {
      pushTemplatePiece();
    } else if (c == "/" && regexAllowed()) {
      let j = i + 1, inClass = false;
      for (;;) {
        const d = source[j];
        if (d === undefined || d == "\n") throw new SyntaxProblem("unterminated regular expression", source, i);
        if (d == "\\") j++;
        else if (d == "[") inClass = true;
        else if (d == "]") inClass = false;
        else if (d == "/" && !inClass) break;
        j++;
      }
      j++;
      while (j < source.length && NAME_PART.test(source[j])) j++; // flags
      push("regex", source.slice(i, j));
      i = j;
      closedHead = false;
    } else if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < source.length && NAME_PART.test(source[j])) j++;
      push("name", source.slice(i, j));
      i = j;
      closedHead = false;
    } else if (/\d/.test(c) || (c == "." && /\d/.test(next))) {
      const text = NUMBER.exec(source.slice(i))[0];
      if (NAME_PART.test(source[i + text.length] || "")) throw new SyntaxProblem("a name right after a number", source, i);
      push("number", text);
      i += text.length;
      closedHead = false;
    } else if (c == "}" && braces.at(-1) == "${") {
      braces.pop();
      pushTemplatePiece();
    } else if (c.charCodeAt(0) > 127) {
      throw new SyntaxProblem(`a non-ASCII character outside strings and comments: ${JSON.stringify(c)}`, source, i);
    } else {
      let text = PUNCTUATORS.find(p => source.startsWith(p, i)) || c;
      if (text == "?." && /\d/.test(source[i + 2] || "")) text = "?"; // a ? .5 : b
      if (text == "{") braces.push("{");
      if (text == "}") braces.pop();
      let head = false;
      if (text == "(") {
        const last = tokens.at(-1);
        parens.push(last?.type == "name" && STATEMENT_HEADS.has(last.text));
      }
      if (text == ")") head = parens.pop();
      push("punct", text);
      closedHead = head;
      i += text.length;
    }
  }
  return tokens;
}

// A line break the source had between two tokens is kept where automatic semicolon insertion may
// depend on it: after return/break/continue/throw/yield/async (restricted productions), and
// between a token that can end a statement and one that can begin the next but not continue it.
const RESTRICTED = new Set(["return", "break", "continue", "throw", "yield", "async"]);
// Keywords that cannot be the last token of a statement (when unsure, a name may end one).
const CANNOT_END = new Set(("case catch class const default delete do else export extends finally for function if import in " +
  "instanceof new switch try typeof var void while with").split(" "));
const endsStatement = t => t.type == "number" || t.type == "string" || t.type == "regex"
  || (t.type == "template" && t.text.endsWith("`"))
  || (t.type == "name" && !CANNOT_END.has(t.text))
  || (t.type == "punct" && /^(\)|\]|\}|\+\+|--)$/.test(t.text));
const beginsStatement = t => t.type == "name" && !/^(in|of|instanceof)$/.test(t.text)
  || t.type == "number" || t.type == "string" || (t.type == "punct" && /^(\{|!|~|\+\+|--)$/.test(t.text));
const keepsNewline = (previous, next) => next.newlineBefore
  && ((previous.type == "name" && RESTRICTED.has(previous.text)) || (endsStatement(previous) && beginsStatement(next)));

// Two tokens that would read as different tokens when written together.
const wordy = t => t.type == "name" || t.type == "number" || t.type == "regex";
function needsSpace(previous, next) {
  const a = previous.text, b = next.text;
  if (wordy(previous) && (next.type == "name" || next.type == "number")) return true;
  if (previous.type == "number" && b[0] == "." && !/[.eExXoObBn]/.test(a)) return true; // 1 .toString()
  if ((a.endsWith("+") && b[0] == "+") || (a.endsWith("-") && b[0] == "-")) return true;
  if (a.endsWith("/") && b[0] == "/") return true; // a / /re/ (not a comment)
  if (a == "<" && b[0] == "!") return true; // <!-- opens an HTML-like comment
  if (a.endsWith("-") && b[0] == ">") return true; // -->
  return false;
}

/** Joins tokens into code: no comments, no whitespace but what the meaning needs. */
export function join(tokens) {
  let out = "";
  tokens.forEach((token, index) => {
    const previous = tokens[index - 1];
    if (previous) out += keepsNewline(previous, token) ? "\n" : needsSpace(previous, token) ? " " : "";
    out += token.text;
  });
  return out;
}

/** The short names, shortest first: a…z, A…Z, then two characters, skipping what the source uses. */
function* shortNames(taken) {
  const first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$", rest = first + "0123456789";
  const candidates = function* () {
    yield* first;
    for (const a of first) for (const b of rest) yield a + b;
  };
  for (const name of candidates()) if (!taken.has(name)) yield name;
}

// Names built-in prototypes have: a short property name must not shadow one.
const BUILT_IN_MEMBERS = new Set([Object, Array, Function, String, Number, Map, Set, WeakSet, WeakMap, Promise, RegExp, Error]
  .flatMap(type => [...Object.getOwnPropertyNames(type), ...Object.getOwnPropertyNames(type.prototype)]));

/** Words in the code spans and (non-shell) code blocks of the docs: the wire format and the public API. */
function documentedNames() {
  const names = new Set();
  for (const file of DOCS) {
    const text = fs.readFileSync(file, "utf8");
    for (const match of text.matchAll(/```([^\n]*)\n([\s\S]*?)```|`([^`\n]+)`/g)) {
      if (/^(sh|bash|shell|console)$/.test(match[1])) continue; // commands, not JavaScript
      const code = match[2] ?? match[3];
      for (const word of code.match(/[A-Za-z_$][\w$]*/g) || []) names.add(word);
    }
  }
  return names;
}

/** The mapping from private names to short ones, after checking that renaming them is safe. */
export function shortNameTable(tokens, source, privateNames = PRIVATE_NAMES) {
  const problems = [];
  const used = new Map();
  for (const token of tokens) if (token.type == "name") used.set(token.text, (used.get(token.text) || 0) + 1);
  const documented = documentedNames(), keep = new Set(KEEP), seen = new Set();
  for (const name of privateNames) {
    if (seen.has(name)) problems.push(`${name}: listed twice`);
    seen.add(name);
    if (!used.has(name)) problems.push(`${name}: not in the source (remove it from PRIVATE_NAMES)`);
    if (keep.has(name)) problems.push(`${name}: in KEEP (the tests or e2e scripts read it)`);
    if (documented.has(name)) problems.push(`${name}: a code word of the docs (wire format or public API?): pick another name`);
    if (RESERVED.has(name) || BUILT_IN_MEMBERS.has(name)) problems.push(`${name}: a reserved word or a built-in member`);
  }
  // An object literal may be handed to the browser (fetch's {method, headers, body}): no private
  // name as a key in one, written out (`name: value`) or short (`{name}`).
  const privateSet = new Set(privateNames), open = [];
  tokens.forEach((token, k) => {
    if (token.type == "punct" && /^[({[]$/.test(token.text)) open.push(token.text);
    if (token.type == "template" && token.text.endsWith("${")) open.push("${");
    if ((token.type == "punct" && /^[)}\]]$/.test(token.text)) || (token.type == "template" && token.text[0] == "}")) open.pop();
    if (token.type != "name" || !privateSet.has(token.text) || open.at(-1) != "{") return;
    const before = tokens[k - 1]?.text, after = tokens[k + 1]?.text;
    if ((before == "{" || before == ",") && (after == ":" || after == "," || after == "}")) {
      problems.push(`${token.text}: a key of an object literal (line ${source.slice(0, token.start).split("\n").length}): it may reach the browser`);
    }
  });
  if (problems.length) throw new Error("PRIVATE_NAMES:\n  " + problems.join("\n  "));
  // Most used first, so that they get the shortest names; ties by name, for a stable output.
  const byUse = [...privateNames].sort((a, b) => used.get(b) - used.get(a) || (a < b ? -1 : 1));
  const taken = new Set([...used.keys(), ...RESERVED, ...BUILT_IN_MEMBERS, ...KEEP, ...documented]);
  const generator = shortNames(taken);
  return new Map(byUse.map(name => [name, generator.next().value]));
}

/** The shipped file's text from the readable source's. */
export function build(source) {
  const tokens = tokenize(source);
  const table = shortNameTable(tokens, source);
  const renamed = tokens.map(token => (token.type == "name" && table.has(token.text) ? { ...token, text: table.get(token.text) } : token));
  const code = join(renamed);
  // The minified code must read back as the same tokens and compile.
  const back = tokenize(code);
  const same = back.length == renamed.length && back.every((token, k) => token.type == renamed[k].type && token.text == renamed[k].text);
  if (!same) {
    const k = back.findIndex((token, n) => token.type != renamed[n]?.type || token.text != renamed[n]?.text);
    throw new Error(`minified code reads back differently at token ${k}: ${JSON.stringify(back[k])} for ${JSON.stringify(renamed[k])}`);
  }
  new vm.Script(code, { filename: "callscope.js (built)" });
  const version = source.match(/const VERSION = "([^"]+)"/)?.[1];
  const header = `/*! Callscope collector ${version}: WebRTC stats, events and errors for a Callscope server (ingest protocol v1).\n` +
    " * Generated from collector/src/callscope.js by `node collector/build.mjs`: do not edit by hand. */\n";
  return { code: header + code + "\n", table };
}

export const gzipSize = text => zlib.gzipSync(Buffer.from(text), { level: 9 }).length;

function main(args) {
  const check = args.includes("--check");
  const relative = file => path.relative(ROOT, file);
  let built;
  try {
    built = build(fs.readFileSync(SOURCE, "utf8"));
  } catch (error) {
    console.error(`collector build failed: ${error.message}`);
    return 1;
  }
  const { code, table } = built;
  const raw = Buffer.byteLength(code), gzipped = gzipSize(code);
  let status = 0;
  if (args.includes("--names")) for (const [name, short] of table) console.log(`  ${short.padEnd(3)} ${name}`);
  if (check) {
    const shipped = fs.existsSync(SHIPPED) ? fs.readFileSync(SHIPPED, "utf8") : null;
    if (shipped !== code) {
      console.error(`${relative(SHIPPED)} is stale: it is not what ${relative(SOURCE)} builds to. Run \`node collector/build.mjs\`.`);
      status = 1;
    }
  } else {
    fs.writeFileSync(SHIPPED, code);
  }
  console.log(`collector: ${relative(SHIPPED)} ${check ? "(checked)" : "(written)"}: ${raw} B, gzipped ${gzipped} B ` +
    `(budget ${GZIP_BUDGET} B); source ${Buffer.byteLength(fs.readFileSync(SOURCE))} B`);
  if (gzipped > GZIP_BUDGET) {
    console.error(`the collector is over its budget: gzipped ${gzipped} B > ${GZIP_BUDGET} B`);
    status = 1;
  }
  return status;
}

if (process.argv[1] && import.meta.url == pathToFileURL(path.resolve(process.argv[1])).href) process.exitCode = main(process.argv.slice(2));
