import { newQuickJSWASMModuleFromVariant } from "quickjs-emscripten-core";
import type { QuickJSWASMModule } from "quickjs-emscripten-core";

/**
 * The QuickJS WebAssembly module every code-js agent runs in. It is loaded once, when this
 * file is imported (top-level await, a few milliseconds), so creating a model and checking its
 * code stay synchronous. Each call gets its own QuickJS runtime inside this module.
 *
 * If the host ever throws out of the module (a WebAssembly trap, a host stack overflow), its
 * memory may be inconsistent: the caller marks it poisoned and the next call loads a fresh one.
 */
let current: QuickJSWASMModule = await loadModule();
let poisoned = false;

/** A fresh module of the release-sync variant (the import is cached by Node; the instance is new). */
function loadModule(): Promise<QuickJSWASMModule> {
  return newQuickJSWASMModuleFromVariant(import("@jitl/quickjs-wasmfile-release-sync"));
}

/** The loaded module, for synchronous work (the compile check at creation). */
export function quickJsModule(): QuickJSWASMModule {
  return current;
}

/** The module for a model call, replacing a poisoned one first. */
export async function healthyQuickJsModule(): Promise<QuickJSWASMModule> {
  if (poisoned) {
    current = await loadModule();
    poisoned = false;
  }
  return current;
}

/** Marks the module unusable after the host was thrown out of it; the next call reloads it. */
export function markQuickJsPoisoned(): void {
  poisoned = true;
}
