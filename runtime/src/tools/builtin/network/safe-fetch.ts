import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { blockedAddressReason, isIpLiteral, looksLikeDisguisedAddress } from "./address-guard.ts";
import { hostAllowed, hostPrivatelyAllowed, normalizeHost } from "./host-policy.ts";
import { readCapped } from "./read-body.ts";

/**
 * The one SSRF-safe dialer of loomcycle: built-in network tools, the MCP client and hook
 * webhooks all leave the process through `safeFetch`. It checks the URL's host against the run's
 * allowlist, resolves it once, refuses private addresses, and connects to exactly the address it
 * checked (no second DNS lookup, so DNS rebinding cannot swap it). Redirects are followed by hand
 * and every hop is checked again.
 */

/** Why a request was refused or failed; tools turn it into an `is_error` result. */
export type NetworkErrorCode =
  | "invalid_url"
  | "scheme"
  | "host_not_allowed"
  | "private_address"
  | "dns"
  | "too_large"
  | "timeout"
  | "aborted"
  | "redirect"
  | "network";

/** A refused or failed request. `message` says why, in words a model can act on. */
export class NetworkError extends Error {
  readonly code: NetworkErrorCode;

  constructor(code: NetworkErrorCode, message: string) {
    super(message);
    this.name = "NetworkError";
    this.code = code;
  }
}

/** One resolved address, as `dns.lookup({ all: true })` returns it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all of its addresses. Injectable so tests never touch real DNS. */
export type ResolveHost = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The network half of a run's ToolPolicy. */
export interface NetworkPolicy {
  /** Hosts that may be reached ("*" = any public host); empty = no network. */
  allowedHosts: readonly string[];
  /** Hosts that may resolve to private addresses (must also be allowed by `allowedHosts`). */
  privateHosts: readonly string[];
}

export interface SafeFetchOptions {
  policy: NetworkPolicy;
  signal?: AbortSignal;
  /** Cap of request and response bodies in bytes (default 256 KiB). */
  maxBytes?: number;
  /** Deadline of the whole exchange, redirects and body included (default 30 s). */
  timeoutMs?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Redirects followed at most (default 5). */
  maxRedirects?: number;
  /** Name resolver (default: node:dns lookup of all addresses). */
  resolve?: ResolveHost;
}

export interface SafeFetchResponse {
  status: number;
  headers: Record<string, string>;
  /** The response body, decoded from gzip/deflate/br, at most `maxBytes` long. */
  body: Buffer;
  /** True when the body was cut at `maxBytes`. */
  truncated: boolean;
  /** The URL of the last hop, after redirects. */
  finalUrl: string;
}

/** Default caps, matching loomcycle's HTTP tool (256 KiB, 30 s, 5 redirects). */
export const SAFE_FETCH_DEFAULTS = { maxBytes: 256 * 1024, timeoutMs: 30_000, maxRedirects: 5 } as const;

/** The system resolver: every address of a name, in the order the resolver gives them. */
export const systemResolve: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, order: "verbatim" });

interface CheckedTarget {
  url: URL;
  /** The address to connect to; null when the host is itself an IP literal. */
  pinned: ResolvedAddress | null;
}

function parseTarget(raw: string | URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NetworkError("invalid_url", `invalid URL: ${String(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new NetworkError("scheme", `scheme ${url.protocol.replace(/:$/, "")} is not allowed; use http or https`);
  }
  return url;
}

async function resolveAll(host: string, resolve: ResolveHost): Promise<readonly ResolvedAddress[]> {
  if (isIpLiteral(host)) return [{ address: host, family: host.includes(":") ? 6 : 4 }];
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw new NetworkError("dns", `cannot resolve host ${host}: ${(error as Error).message}`);
  }
  if (addresses.length === 0) throw new NetworkError("dns", `host ${host} has no addresses`);
  return addresses;
}

function refusePrivate(host: string, addresses: readonly ResolvedAddress[]): void {
  for (const { address } of addresses) {
    const reason = blockedAddressReason(address);
    if (reason) {
      const what = host === normalizeHost(address) ? `address ${address}` : `host ${host} resolves to ${address}, which`;
      throw new NetworkError("private_address", `${what} is a private or reserved address (${reason}); not allowed unless the operator lists the host as private`);
    }
  }
}

/**
 * Checks one hop: scheme, allowlist, resolution and the address guard. Returns the address to
 * connect to. Throws a NetworkError before any connection is attempted.
 */
export async function checkTarget(raw: string | URL, policy: NetworkPolicy, resolve: ResolveHost = systemResolve): Promise<CheckedTarget> {
  const url = parseTarget(raw);
  const host = normalizeHost(url.hostname);
  if (looksLikeDisguisedAddress(host)) {
    throw new NetworkError("private_address", `host ${host} is a numeric address in a non-canonical form; refused`);
  }
  if (policy.allowedHosts.length === 0) throw new NetworkError("host_not_allowed", "network access is disabled for this run (no allowed hosts)");
  if (!hostAllowed(host, policy.allowedHosts)) {
    throw new NetworkError("host_not_allowed", `host ${host} is not in the allowed hosts (${policy.allowedHosts.join(", ")})`);
  }
  const addresses = await resolveAll(host, resolve);
  if (!hostPrivatelyAllowed(host, policy.privateHosts)) refusePrivate(host, addresses);
  return { url, pinned: isIpLiteral(host) ? null : (addresses[0] ?? null) };
}

/** A lookup that answers with the checked address only: the socket never asks DNS again. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}

const DROPPED_REQUEST_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "upgrade", "proxy-authorization"]);

interface HopRequest {
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  signal: AbortSignal;
}

function sendHop(target: CheckedTarget, hop: HopRequest): Promise<IncomingMessage> {
  const send = target.url.protocol === "https:" ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { "accept-encoding": "gzip, deflate, br", ...hop.headers };
  if (hop.body) headers["content-length"] = String(hop.body.length);
  return new Promise((resolve, reject) => {
    const req = send(target.url, {
      method: hop.method,
      headers,
      signal: hop.signal,
      agent: false,
      ...(target.pinned ? { lookup: pinnedLookup(target.pinned) } : {}),
    });
    req.once("response", resolve);
    req.once("error", reject);
    req.end(hop.body ?? undefined);
  });
}

function cleanHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!DROPPED_REQUEST_HEADERS.has(name.toLowerCase())) out[name.toLowerCase()] = value;
  }
  return out;
}

function flattenHeaders(message: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The only caller headers that follow a redirect to another origin. Any other header may carry a
 * credential (`Authorization`, `X-Api-Key: ${cred:…}`, cookies…), so it stays on its origin.
 */
const CROSS_ORIGIN_HEADERS = new Set(["accept", "accept-language", "accept-encoding", "user-agent", "content-type", "cache-control", "pragma"]);

/** The request for the next hop: 303 (and 301/302 after POST) become GET; credentials stay on their origin. */
function nextHop(hop: HopRequest, status: number, move: { from: URL; to: URL }): HopRequest {
  const { from, to } = move;
  const toGet = status === 303 || ((status === 301 || status === 302) && hop.method === "POST");
  const crossOrigin = from.origin !== to.origin;
  const headers = Object.fromEntries(Object.entries(hop.headers).filter(([name]) => !crossOrigin || CROSS_ORIGIN_HEADERS.has(name.toLowerCase())));
  if (toGet) delete headers["content-type"];
  return { ...hop, method: toGet ? "GET" : hop.method, body: toGet ? null : hop.body, headers };
}

async function followRedirects(start: string | URL, hop: HopRequest, options: SafeFetchOptions): Promise<{ url: URL; response: IncomingMessage }> {
  const maxRedirects = options.maxRedirects ?? SAFE_FETCH_DEFAULTS.maxRedirects;
  let current: string | URL = start;
  for (let hops = 0; ; hops++) {
    const target = await checkTarget(current, options.policy, options.resolve);
    const response = await sendHop(target, hop);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || !location) return { url: target.url, response };
    response.destroy();
    if (hops >= maxRedirects) throw new NetworkError("redirect", `too many redirects (more than ${maxRedirects})`);
    const next = new URL(location, target.url);
    hop = nextHop(hop, response.statusCode ?? 0, { from: target.url, to: next });
    current = next;
  }
}

function toNetworkError(error: unknown, timeout: AbortSignal, timeoutMs: number): NetworkError {
  if (error instanceof NetworkError) return error;
  if (timeout.aborted) return new NetworkError("timeout", `request timed out after ${timeoutMs} ms`);
  if ((error as { name?: string }).name === "AbortError") return new NetworkError("aborted", "request aborted");
  return new NetworkError("network", `request failed: ${(error as Error).message}`);
}

function encodeBody(body: string | Uint8Array | undefined, maxBytes: number): Buffer | null {
  if (body === undefined) return null;
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
  if (bytes.length > maxBytes) throw new NetworkError("too_large", `request body is ${bytes.length} bytes; the limit is ${maxBytes}`);
  return bytes;
}

/**
 * Fetches a URL through the SSRF guard. Only http/https; the host must match
 * `policy.allowedHosts`; every resolved address must be public unless the host is in
 * `policy.privateHosts`; the socket connects to the checked address; redirects (at most
 * `maxRedirects`) are re-checked hop by hop. Throws NetworkError, never a raw socket error.
 */
export async function safeFetch(url: string | URL, options: SafeFetchOptions): Promise<SafeFetchResponse> {
  const maxBytes = options.maxBytes ?? SAFE_FETCH_DEFAULTS.maxBytes;
  const timeoutMs = options.timeoutMs ?? SAFE_FETCH_DEFAULTS.timeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const body = encodeBody(options.body, maxBytes);
    const hop: HopRequest = { method: (options.method ?? "GET").toUpperCase(), headers: cleanHeaders(options.headers), body, signal };
    const { url: finalUrl, response } = await followRedirects(url, hop, options);
    const read = await readCapped(response, maxBytes);
    return { status: response.statusCode ?? 0, headers: flattenHeaders(response), ...read, finalUrl: finalUrl.href };
  } catch (error) {
    throw toNetworkError(error, timeout, timeoutMs);
  }
}
