import test from "node:test";
import assert from "node:assert/strict";
import { load } from "./helpers.mjs";

const { clientInfo } = load()._internal;

const UA = {
  chromeWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  chromeMac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  chromeLinux: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  chromeAndroidReduced: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  chromeAndroidFull: "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36",
  chromeAndroidTablet: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  chromeIOS: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
  chromeOS: "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  safariIPhone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  safariIPad: "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  safariMac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
  firefoxWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  firefoxLinux: "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  firefoxOldMac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.14; rv:78.0) Gecko/20100101 Firefox/78.0",
  firefoxAndroid: "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
  edgeWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  edgeAndroid: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
  samsung: "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
  opera: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 OPR/115.0.0.0",
};

const D = "desktop", M = "mobile";
const table = [
  // name, platform, device, os, browser
  ["chromeWindows", D, "Windows PC", "Windows 10/11", "Chrome 131"],
  ["chromeMac", D, "Mac", "macOS", "Chrome 131"],
  ["chromeLinux", D, "Linux desktop", "Linux", "Chrome 131"],
  ["chromeAndroidReduced", M, "Android phone", "Android", "Chrome 131"],
  ["chromeAndroidFull", M, "Android phone", "Android 13", "Chrome 116"],
  ["chromeAndroidTablet", M, "Android tablet", "Android", "Chrome 131"],
  ["chromeIOS", M, "iPhone", "iOS 17.4", "Chrome 131"],
  ["chromeOS", D, "Chromebook", "ChromeOS", "Chrome 131"],
  ["safariIPhone", M, "iPhone", "iOS 17.4", "Safari 17"],
  ["safariIPad", M, "iPad", "iOS 16.6", "Safari 16"],
  ["safariMac", D, "Mac", "macOS", "Safari 17"],
  ["firefoxWindows", D, "Windows PC", "Windows 10/11", "Firefox 133"],
  ["firefoxLinux", D, "Linux desktop", "Linux", "Firefox 133"],
  ["firefoxOldMac", D, "Mac", "macOS 10.14", "Firefox 78"],
  ["firefoxAndroid", M, "Android phone", "Android 14", "Firefox 133"],
  ["edgeWindows", D, "Windows PC", "Windows 10/11", "Edge 131"],
  ["edgeAndroid", M, "Android phone", "Android", "Edge 131"],
  ["samsung", M, "Android phone", "Android 13", "Samsung Internet 23"],
  ["opera", D, "Windows PC", "Windows 10/11", "Opera 115"],
];

for (const [name, platform, device, os, browser] of table)
  test(`User-Agent: ${name}`, () => {
    assert.deepEqual(clientInfo(UA[name]), { userAgent: UA[name], platform, device, os, browser });
  });

test("UA Client Hints: Windows 11 is told apart from 10 by platformVersion", () => {
  const hints = {
    brands: [{ brand: "Google Chrome", version: "131" }], mobile: false, platform: "Windows", platformVersion: "15.0.0", model: "",
    fullVersionList: [{ brand: "Google Chrome", version: "131.0.6778.86" }, { brand: "Chromium", version: "131.0.6778.86" }, { brand: "Not_A Brand", version: "24.0.0.0" }],
  };
  assert.deepEqual(clientInfo(UA.chromeWindows, hints), { userAgent: UA.chromeWindows, platform: "desktop", device: "Windows PC", os: "Windows 11", browser: "Chrome 131" });
  assert.equal(clientInfo(UA.chromeWindows, { ...hints, platformVersion: "10.0.0" }).os, "Windows 10");
});

test("UA Client Hints: the model and real Android version behind a reduced UA", () => {
  const hints = {
    mobile: true, platform: "Android", platformVersion: "14.0.0", model: "Pixel 8",
    fullVersionList: [{ brand: "Not)A;Brand", version: "99.0.0.0" }, { brand: "Chromium", version: "131.0.6778.81" }, { brand: "Google Chrome", version: "131.0.6778.81" }],
  };
  assert.deepEqual(clientInfo(UA.chromeAndroidReduced, hints), { userAgent: UA.chromeAndroidReduced, platform: "mobile", device: "Pixel 8", os: "Android 14", browser: "Chrome 131" });
});

test("UA Client Hints: Edge on macOS with its real macOS version", () => {
  const ua = UA.chromeMac + " Edg/131.0.0.0";
  const hints = { mobile: false, platform: "macOS", platformVersion: "14.4.1", model: "", fullVersionList: [{ brand: "Microsoft Edge", version: "131.0.2903.70" }, { brand: "Chromium", version: "131.0.6778.86" }] };
  assert.deepEqual(clientInfo(ua, hints), { userAgent: ua, platform: "desktop", device: "Mac", os: "macOS 14.4", browser: "Edge 131" });
});

test("low-entropy hints only (high-entropy timed out): brands and platform, nothing invented", () => {
  const hints = { brands: [{ brand: "Chromium", version: "131" }, { brand: "Google Chrome", version: "131" }], mobile: false, platform: "Linux" };
  assert.deepEqual(clientInfo(UA.chromeLinux, hints), { userAgent: UA.chromeLinux, platform: "desktop", device: "Linux desktop", os: "Linux", browser: "Chrome 131" });
});

test("nothing known: only the platform", () => {
  assert.deepEqual(JSON.parse(JSON.stringify(clientInfo(""))), { platform: "desktop" });
});
