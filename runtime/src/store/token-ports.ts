/**
 * Operator tokens (loomcycle OperatorTokenDef): per-principal bearer tokens bound to a tenant,
 * subject and scopes. The store only ever holds a salted hash of a token's secret.
 */

/** `active` is accepted; `rotated` is accepted until `valid_until` (the rotation grace); `retired` is refused. */
export type OperatorTokenStatus = "active" | "rotated" | "retired";

/** One stored token: its identity, binding and lifecycle, plus the salt and hash its secret is checked against. */
export interface OperatorTokenRecord {
  def_id: string;
  name: string;
  tenant_id: string;
  subject: string;
  scopes: string[];
  /** The part of the bearer that finds this row (not secret on its own). */
  lookup_id: string;
  salt: string;
  token_hash: string;
  status: OperatorTokenStatus;
  valid_until: Date | null;
  /** Whether the secret was imported (`--copy-from-env`) rather than minted. */
  imported: boolean;
  rotated_from: string | null;
  created_at: Date;
  created_by: string;
  retired_at: Date | null;
}

/** A token to store: everything but what the store stamps (status, timestamps, lineage). */
export interface NewOperatorToken {
  def_id: string;
  name: string;
  tenant_id: string;
  subject: string;
  scopes: readonly string[];
  lookup_id: string;
  salt: string;
  token_hash: string;
  imported: boolean;
  created_by: string;
}

/** The replacement secret of a rotation. */
export interface TokenRotation {
  oldDefId: string;
  /** Until when the old secret is still accepted; now or earlier retires it at once. */
  oldValidUntil: Date;
  def_id: string;
  lookup_id: string;
  salt: string;
  token_hash: string;
  created_by: string;
}

/** Which token(s) an op targets: one version by def_id, or the name's current token(s). */
export type TokenRef = { def_id: string } | { name: string };

export interface TokenStore {
  /** Stores an active token; null when its name is already active (or the same imported token is already stored). */
  insert(token: NewOperatorToken): Promise<OperatorTokenRecord | null>;
  /** Replaces an active token by a new one with the same binding, atomically; null when it is not active. */
  rotate(rotation: TokenRotation): Promise<OperatorTokenRecord | null>;
  /** Revokes at once: by def_id that token, by name every token of the name still accepted. Returns what it retired. */
  retire(ref: TokenRef): Promise<OperatorTokenRecord[]>;
  /** The still-accepted token a bearer's lookup id names, if any. */
  findAccepted(lookupId: string): Promise<OperatorTokenRecord | null>;
  /** One token by def_id (any status), or the name's active token. */
  get(ref: TokenRef): Promise<OperatorTokenRecord | null>;
  /** Tokens newest first, filtered by name and tenant; retired ones only when asked. */
  list(filter: { name?: string; tenantId?: string; includeRetired?: boolean }): Promise<OperatorTokenRecord[]>;
  /** How many tokens are accepted now, and how many active ones hold substrate:admin. */
  census(): Promise<{ accepted: number; admins: number }>;
}
