// Small DOM helpers, the status line and the banner, and error and event reports to the
// collector (which is optional: without it they only reach the console and window.demo).

import { demo } from "./state.js";

export const $ = (id) => document.getElementById(id);

/** An element with text content and attributes; never parses markup. */
export function el(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

export function setStatus(text) {
  $("join-status").textContent = text;
}

export function showBanner(text, kind = "error") {
  const banner = $("banner");
  banner.textContent = text;
  banner.className = `banner ${kind}`;
  banner.hidden = false;
}

export function hideBanner() {
  $("banner").hidden = true;
}

export function noteError(code, message, data) {
  demo.errors.push({ code, message });
  console.warn(`[demo] ${code}: ${message}`);
  try { demo.cs?.error(code, message, data); } catch { /* the collector is optional */ }
}

export function collectorEvent(name, data) {
  try { demo.cs?.event(name, data); } catch { /* the collector is optional */ }
}
