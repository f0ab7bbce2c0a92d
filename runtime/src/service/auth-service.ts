import { AppError, DEFAULT_TENANT, OPEN_PRINCIPAL, isScope, newId } from "../domain/index.ts";
import type { Logger, Principal, Scope } from "../domain/index.ts";
import type { ControlBus } from "../queue/index.ts";
import type { OperatorTokenRecord, TokenStore } from "../store/index.ts";
import { OperatorTokens } from "./operator-tokens.ts";
import { bearerParts, hashSecret, sameSecret } from "./token-secrets.ts";

/**
 * How a runtime authenticates: `open` (no token of any kind: every caller is an admin, loopback
 * only), `shared` (the shared LOOMCYCLE_AUTH_TOKEN is accepted, maybe beside minted tokens),
 * `tokens` (minted tokens only: an admin token exists, so the shared token is off, or none is set).
 */
export type AuthMode = "open" | "shared" | "tokens";

export interface AuthServiceOptions {
  store: TokenStore;
  /** LOOMCYCLE_AUTH_TOKEN; null = none. */
  sharedToken: string | null;
  /** LOOMCYCLE_OPERATOR_TOKEN_PEPPER ("" = none); changing it invalidates every minted token. */
  pepper: string;
  /** Default seconds a rotated token stays valid (LOOMCYCLE_OPERATOR_TOKEN_ROTATION_GRACE_SECONDS). */
  rotationGraceSeconds: number;
  /** Whether the runtime listens on loopback only: open mode is refused anywhere else. */
  loopback: boolean;
  logger: Logger;
  /** How long the token census is trusted before it is re-read (other processes' writes); local writes drop it at once. */
  censusTtlMs?: number;
  /** The control backplane: a local token write is announced (`token_changed`), and one announced elsewhere drops the census at once. */
  control?: ControlBus | undefined;
}

/** The one refusal of authentication: opaque, so it never says whether a token exists. */
export function unauthenticated(): AppError {
  return new AppError("UNAUTHENTICATED", "missing or invalid bearer token (send Authorization: Bearer <token>)");
}

const DEFAULT_CENSUS_TTL_MS = 2_000;

/** The principal of the shared LOOMCYCLE_AUTH_TOKEN: an admin of the default tenant. */
const LEGACY_PRINCIPAL: Principal = Object.freeze({
  tenantId: DEFAULT_TENANT,
  subject: "default",
  scopes: Object.freeze(["substrate:admin"] as const),
  kind: "legacy",
  tokenId: null,
});

/**
 * Turns a bearer into a Principal (transport-agnostic: HTTP today, gRPC/MCP later) and manages
 * operator tokens. Minted tokens are looked up in the store on every request, so a retire or a
 * rotation is refused on the very next request in every process. Only the census (does any
 * token exist, does an admin token exist) is cached: dropped on every local write and on every
 * `token_changed` notice from another process over the control backplane, and re-read after
 * `censusTtlMs` in any case (a notice lost while the backplane reconnects).
 */
export class AuthService {
  readonly tokens: OperatorTokens;
  private readonly options: AuthServiceOptions;
  private census: { value: { accepted: number; admins: number }; at: number } | null = null;

  constructor(options: AuthServiceOptions) {
    this.options = options;
    this.tokens = new OperatorTokens({
      store: options.store,
      pepper: options.pepper,
      rotationGraceSeconds: options.rotationGraceSeconds,
      onChange: () => this.tokensChanged(),
    });
    options.control?.subscribe((message) => {
      if (message.kind === "token_changed") this.census = null;
    });
    options.control?.onResync(() => (this.census = null));
  }

  /** A token was written here: drop the census and tell the other processes to drop theirs. */
  private tokensChanged(): void {
    this.census = null;
    const control = this.options.control;
    control?.publish({ kind: "token_changed", request_id: newId("ctl"), origin: control.origin }).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, "token change notice could not be sent; other processes re-read tokens within the census TTL");
    });
  }

  /** The principal a bearer (null = none sent) stands for; throws UNAUTHENTICATED otherwise. */
  async authenticate(bearer: string | null): Promise<Principal> {
    if (bearer !== null && bearer !== "") {
      const minted = await this.minted(bearer);
      if (minted !== null) return minted;
    }
    const mode = await this.mode();
    if (mode === "open" && this.options.loopback) return OPEN_PRINCIPAL;
    if (mode === "shared" && bearer !== null && sameSecret(bearer, this.options.sharedToken ?? "")) return LEGACY_PRINCIPAL;
    throw unauthenticated();
  }

  /** The current mode (from the cached census). */
  async mode(): Promise<AuthMode> {
    const census = await this.readCensus();
    if (this.options.sharedToken !== null && census.admins === 0) return "shared";
    if (this.options.sharedToken === null && census.accepted === 0) return "open";
    return "tokens";
  }

  /**
   * Checked before the runtime listens: refuses open mode on a non-loopback address (with the
   * fix in the message) and returns the mode, so the caller can warn loudly about open mode.
   */
  async startupMode(host: string): Promise<AuthMode> {
    const mode = await this.mode();
    if (mode === "open" && !this.options.loopback) {
      throw new AppError(
        "CONFIG_INVALID",
        `loomcycle listens on ${host}, which is not a loopback address, and no auth token is configured, so anyone who can reach it would be an admin. ` +
          "Run `loomcycle init --with-token` (writes auth.env, which serve loads) or set LOOMCYCLE_AUTH_TOKEN; or listen on 127.0.0.1 (--host 127.0.0.1).",
      );
    }
    if (this.options.sharedToken !== null && mode === "tokens") {
      this.options.logger.warn({}, "LOOMCYCLE_AUTH_TOKEN is ignored: an admin operator token exists (it turns the shared token off)");
    }
    return mode;
  }

  private async minted(bearer: string): Promise<Principal | null> {
    const { lookupId, secret } = bearerParts(bearer, this.options.pepper);
    const record = await this.options.store.findAccepted(lookupId);
    if (record === null) return null;
    const hash = hashSecret({ pepper: this.options.pepper, salt: record.salt, secret });
    return sameSecret(hash, record.token_hash) ? principalOf(record) : null;
  }

  private async readCensus(): Promise<{ accepted: number; admins: number }> {
    const ttl = this.options.censusTtlMs ?? DEFAULT_CENSUS_TTL_MS;
    if (this.census !== null && Date.now() - this.census.at < ttl) return this.census.value;
    const value = await this.options.store.census();
    this.census = { value, at: Date.now() };
    return value;
  }
}

/** A minted token's principal: its bound tenant, subject and (catalog) scopes. */
function principalOf(record: OperatorTokenRecord): Principal {
  const scopes = record.scopes.filter(isScope) as Scope[];
  return Object.freeze({ tenantId: record.tenant_id, subject: record.subject, scopes: Object.freeze(scopes), kind: "token", tokenId: record.def_id });
}
