/** Name of the host clock function the prelude captures and then removes from the global object. */
export const HOST_NOW = "__loomcycleNow";

/**
 * The script that turns a fresh QuickJS context into the code-js sandbox, evaluated before the
 * operator's code: `Math.random` becomes a seeded generator (mulberry32), `Date` reads the host
 * clock function (a fixed epoch plus the tool calls answered so far), `eval` and every
 * `Function` constructor are gone, and `console` is a no-op. QuickJS has no timers, fs,
 * network or modules of its own, and none are added.
 */
export function sandboxPrelude(seed: number): string {
  return `(function (seed) {
  "use strict";
  const g = globalThis;
  let state = seed >>> 0;
  function random() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  Object.defineProperty(Math, "random", { value: random, writable: false, configurable: false });

  const NativeDate = g.Date;
  const now = g.${HOST_NOW};
  delete g.${HOST_NOW};
  function Date(...args) {
    if (!new.target) return new NativeDate(now()).toString();
    return args.length === 0 ? new NativeDate(now()) : new NativeDate(...args);
  }
  Date.prototype = NativeDate.prototype;
  Date.now = function now_() { return now(); };
  Date.UTC = NativeDate.UTC;
  Date.parse = NativeDate.parse;
  Object.defineProperty(NativeDate.prototype, "constructor", { value: Date, writable: true, configurable: true });
  Object.defineProperty(g, "Date", { value: Date, writable: false, configurable: false });

  const blocked = function Function() {
    throw new EvalError("code-js: dynamic code (eval, Function) is disabled");
  };
  const kinds = [function () {}, function* () {}, async function () {}, async function* () {}];
  for (const kind of kinds) {
    Object.defineProperty(Object.getPrototypeOf(kind), "constructor", { value: blocked, writable: false, configurable: false });
  }
  blocked.prototype = Object.getPrototypeOf(kinds[0]);
  Object.defineProperty(g, "Function", { value: blocked, writable: false, configurable: false });
  delete g.eval;

  const quiet = function () {};
  g.console = Object.freeze({ log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet });
})(${String(seed >>> 0)});`;
}
