import type { Hook } from "../../domain/index.ts";
import { blockedAddressReason, isIpLiteral, looksLikeDisguisedAddress } from "../builtin/network/address-guard.ts";
import { hostPrivatelyAllowed, normalizeHost } from "../builtin/network/host-policy.ts";
import { safeFetch, type ResolveHost } from "../builtin/network/safe-fetch.ts";
import { createToolHooks } from "./hook-chain.ts";
import type { HookCaller, HookPayload, HookRunner } from "./tool-hooks.ts";

/** A hook's answer is small JSON; anything bigger is refused. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Redirects a callback may take (each hop is re-checked by safeFetch). */
const MAX_REDIRECTS = 3;

/** What hook callbacks are built from: the operator's private-host allowlist, and a resolver for tests. */
export interface HookRunnerOptions {
  /** Hosts allowed to resolve to private addresses (config.network.privateHostAllowlist). */
  privateHosts: readonly string[];
  resolve?: ResolveHost;
}

/**
 * Posts the payload through the SSRF-safe dialer: any public host (`*`), private addresses only
 * for hosts the operator listed, the hook's timeout. A non-2xx status, an oversized answer or a
 * body that is not JSON is a failure; an empty body is an empty answer.
 */
export function createHookCaller(options: HookRunnerOptions): HookCaller {
  return async (hook: Hook, payload: HookPayload, signal: AbortSignal): Promise<unknown> => {
    const response = await safeFetch(hook.callback_url, {
      policy: { allowedHosts: ["*"], privateHosts: options.privateHosts },
      signal,
      timeoutMs: hook.timeout_ms,
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "user-agent": "loomcycle-hook" },
      body: JSON.stringify(payload),
      maxBytes: MAX_ANSWER_BYTES,
      maxRedirects: MAX_REDIRECTS,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
    if (response.status < 200 || response.status > 299) throw new Error(`the callback answered HTTP ${response.status}`);
    if (response.truncated) throw new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    const text = response.body.toString("utf8").trim();
    if (text === "") return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error("the answer is not JSON");
    }
  };
}

function isLoopbackName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}

/**
 * Why a callback URL is refused at registration, or null: only http/https, and no host that is
 * by its spelling a private, loopback or metadata address (localhost, IP literals, numeric
 * disguises) unless the operator lists it as a private host. Names are checked when called.
 */
export function checkCallbackUrl(raw: string, privateHosts: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "not a valid absolute URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `scheme ${url.protocol.replace(/:$/, "")} is not allowed; use http or https`;
  const host = normalizeHost(url.hostname);
  if (hostPrivatelyAllowed(host, privateHosts)) return null;
  if (looksLikeDisguisedAddress(host)) return `host ${host} is a numeric address in a non-canonical form`;
  const reason = isLoopbackName(host) ? "loopback" : isIpLiteral(host) ? blockedAddressReason(host) : null;
  if (reason === null) return null;
  return `host ${host} is a private or reserved address (${reason}); the operator must list it in LOOMCYCLE_HTTP_PRIVATE_HOST_ALLOWLIST`;
}

/** The runner main.ts hands the hook service: chains over HTTP callbacks through safeFetch. */
export function createHookRunner(options: HookRunnerOptions): HookRunner {
  const call = createHookCaller(options);
  return {
    forRun: (runOptions) => createToolHooks(runOptions, call),
    checkCallbackUrl: (url) => checkCallbackUrl(url, options.privateHosts),
  };
}
