import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The shape and hashing of bearer tokens. A minted token is `lct_<lookup>_<secret>`: the lookup
 * id (16 hex) finds the row, the secret (32 random bytes, base64url) is checked against
 * `sha256(pepper ‖ salt ‖ secret)`. Any other bearer (an imported shared token) is looked up by a
 * truncated peppered digest of itself and checked the same way with itself as the secret.
 */

const MINTED = /^lct_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Where a bearer's row is found and the secret its salted hash must match. */
export interface BearerParts {
  lookupId: string;
  secret: string;
}

/** A freshly minted token: the plaintext (shown once) and its parts. */
export interface MintedToken extends BearerParts {
  token: string;
}

export function mintToken(): MintedToken {
  const lookupId = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { token: `lct_${lookupId}_${secret}`, lookupId, secret };
}

/** Splits a bearer into lookup id and secret; never fails (an unknown shape simply finds no row). */
export function bearerParts(bearer: string, pepper: string): BearerParts {
  const match = MINTED.exec(bearer);
  if (match !== null) return { lookupId: match[1] as string, secret: match[2] as string };
  const digest = createHash("sha256").update(`lookup\u0000${pepper}\u0000`).update(bearer).digest("hex");
  return { lookupId: `imp_${digest.slice(0, 24)}`, secret: bearer };
}

export function newSalt(): string {
  return randomBytes(16).toString("hex");
}

/** The stored form of a secret: hex sha256(pepper ‖ salt ‖ secret). */
export function hashSecret(options: { pepper: string; salt: string; secret: string }): string {
  return createHash("sha256").update(options.pepper).update(options.salt).update(options.secret).digest("hex");
}

/** Constant-time equality of two strings of any length (both hashed first, so lengths leak nothing). */
export function sameSecret(a: string, b: string): boolean {
  const digestA = createHash("sha256").update(a).digest();
  const digestB = createHash("sha256").update(b).digest();
  return timingSafeEqual(digestA, digestB);
}
