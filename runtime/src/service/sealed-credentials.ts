import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { AppError } from "../domain/index.ts";
import type { RunCredentials } from "../domain/index.ts";

/**
 * Per-run credentials sealed for the run row, so a run resumed by another process (a worker of a
 * cluster, or this one after a restart) still has them. AES-256-GCM under a key derived (HKDF-SHA256)
 * from LOOMCYCLE_SECRET_KEY, with the run id as additional data: a sealed value opens only for its
 * own run. The row's copy is cleared when the run ends.
 */

const VERSION = "v1";

/** The 32-byte sealing key derived from the operator's secret. */
export function credentialKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "loomcycle", "run-credentials", 32));
}

/** Seals a run's credentials as `v1.<iv>.<tag>.<ciphertext>` (base64url parts). */
export function sealCredentials(key: Buffer, runId: string, credentials: RunCredentials): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(runId));
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/** Opens what `sealCredentials` sealed for `runId`; throws when the key or the run differs. */
export function openCredentials(key: Buffer, runId: string, sealed: string): RunCredentials {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
    throw new AppError("INTERNAL", "the run's sealed credentials have an unknown format");
  }
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(runId));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  const text = Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  return JSON.parse(text) as RunCredentials;
}
