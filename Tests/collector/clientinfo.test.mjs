import test, { after } from "node:test";
import assert from "node:assert/strict";
import { load, tick, FakeWS, collector, haltAll } from "./helpers.mjs";

// Browser, OS, platform and device are derived on the server (Swift: UserAgentDescription), from
// what the collector sends: the User-Agent string and the Client Hints as the browser gives them.
const Callscope = load();
after(haltAll);

const UA = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
const HIGH = {
  brands: [{ brand: "Google Chrome", version: "131" }], mobile: true, platform: "Android", platformVersion: "14.0.0", model: "Pixel 8",
  fullVersionList: [{ brand: "Google Chrome", version: "131.0.6778.81" }],
};

test("the join carries the User-Agent and the high-entropy Client Hints", async () => {
  const navigator = { userAgent: UA, userAgentData: { getHighEntropyValues: async () => HIGH, toJSON: () => ({ mobile: true }) } };
  const cs = collector(Callscope, { _deps: { navigator } });
  cs.join();
  FakeWS.last.open();
  await tick(5);
  const join = FakeWS.last.frames.flat().find(m => m.type == "join");
  assert.equal(join.userAgent, UA);
  assert.deepEqual(join.userAgentData, HIGH);
  cs.halt();
});

test("hints that never come (a hung promise): after 300 ms the low-entropy ones, the join goes out", async () => {
  const navigator = { userAgent: UA, userAgentData: { getHighEntropyValues: () => new Promise(() => {}), toJSON: () => ({ brands: [], mobile: true, platform: "Android" }) } };
  const cs = collector(Callscope, { _deps: { navigator } });
  cs.join();
  FakeWS.last.open();
  await tick(50);
  assert.equal(FakeWS.last.frames.length, 0, "waits for the hints");
  await tick(350);
  const join = FakeWS.last.frames.flat().find(m => m.type == "join");
  assert.deepEqual(join.userAgentData, { brands: [], mobile: true, platform: "Android" });
  cs.halt();
});

test("a browser without Client Hints (Firefox, Safari): the User-Agent string alone", async () => {
  const cs = collector(Callscope, { _deps: { navigator: { userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0" } } });
  cs.join();
  FakeWS.last.open();
  await tick(5);
  const join = FakeWS.last.frames.flat().find(m => m.type == "join");
  assert.match(join.userAgent, /Firefox\/133/);
  assert.equal(join.userAgentData, undefined);
  cs.halt();
});
