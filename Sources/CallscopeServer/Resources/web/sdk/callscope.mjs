// ES-module entry of the Callscope collector: `import { Callscope } from "/sdk/callscope.mjs"`.
import "./callscope.js";
export const Callscope = globalThis.Callscope;
// A module has no document.currentScript: the default server is this file's origin.
Callscope.origin ||= new URL(import.meta.url).origin;
export default Callscope;
