import type { Scope } from "./scopes.ts";

/** The tenant a runtime with one tenant (open mode, the shared token) puts everything in. */
export const DEFAULT_TENANT = "default";

/**
 * Who is calling: resolved from the bearer token by the auth service, never from the request
 * body. The tenant scopes every row the caller can see; the subject is the run's user and the
 * fairness key.
 */
export interface Principal {
  tenantId: string;
  subject: string;
  scopes: readonly Scope[];
  /**
   * How it was established: `open` (no token of any kind is configured: everything allowed,
   * local use only), `legacy` (the shared LOOMCYCLE_AUTH_TOKEN), `token` (a minted per-principal
   * token, `tokenId` set), `anonymous` (no credentials, on a route that needs none: no scopes).
   */
  kind: "open" | "legacy" | "token" | "anonymous";
  tokenId: string | null;
}

/** The principal of open mode: an admin in the default tenant. */
export const OPEN_PRINCIPAL: Principal = Object.freeze({
  tenantId: DEFAULT_TENANT,
  subject: "default",
  scopes: Object.freeze(["substrate:admin"] as const),
  kind: "open",
  tokenId: null,
});

/** The caller of a public route (/healthz, /readyz) when auth is on and it sent no valid token: no scopes at all. */
export const ANONYMOUS_PRINCIPAL: Principal = Object.freeze({
  tenantId: DEFAULT_TENANT,
  subject: "anonymous",
  scopes: Object.freeze([] as const),
  kind: "anonymous",
  tokenId: null,
});
