import { generateCertificateAuthority, inspectCertificate, isSignedBy, issueServingCertificate, renewalDue, splitPemBundle } from "./certificates.ts";
import type { KeyPairPem } from "./certificates.ts";

const DAY_MS = 86_400_000;

/**
 * The webhook's certificates as stored in its Secret: the CA bundle the apiserver trusts (the
 * current CA first, then the previous one while it is still valid, so a rotation never breaks
 * a replica still serving the old leaf), the current CA's key, and the serving pair.
 */
export interface CertBundle {
  caCerts: string[];
  caKey: string;
  cert: string;
  key: string;
}

/** What to issue: the serving certificate's hosts and the lifetimes (1-year CA, 90-day leaf by default). */
export interface CertPolicy {
  hosts: readonly string[];
  caCommonName: string;
  caLifetimeMs?: number;
  leafLifetimeMs?: number;
}

/** The bundle to store, and whether (and why) it differs from the current one. */
export interface CertPlan {
  bundle: CertBundle;
  changed: boolean;
  reason: string;
}

function lifetimes(policy: CertPolicy): { ca: number; leaf: number } {
  return { ca: policy.caLifetimeMs ?? 365 * DAY_MS, leaf: policy.leafLifetimeMs ?? 90 * DAY_MS };
}

function stillValid(pem: string, now: Date): boolean {
  try {
    return inspectCertificate(pem).notAfter > now;
  } catch {
    return false;
  }
}

async function withNewCa(previous: readonly string[], policy: CertPolicy, now: Date): Promise<CertBundle> {
  const ca = await generateCertificateAuthority({ commonName: policy.caCommonName, now, lifetimeMs: lifetimes(policy).ca });
  const leaf = await issueServingCertificate(ca, { hosts: policy.hosts, now, lifetimeMs: lifetimes(policy).leaf });
  const kept = previous.slice(0, 1).filter((pem) => stillValid(pem, now));
  return { caCerts: [ca.cert, ...kept], caKey: ca.key, cert: leaf.cert, key: leaf.key };
}

function sameHosts(actual: readonly string[], wanted: readonly string[]): boolean {
  const have = new Set(actual.map((host) => host.toLowerCase()));
  return have.size === new Set(wanted).size && wanted.every((host) => have.has(host.toLowerCase()));
}

/** Why the serving certificate must be reissued under the current CA, or undefined if it is fine. */
async function leafProblem(current: CertBundle, policy: CertPolicy, now: Date): Promise<string | undefined> {
  try {
    const info = inspectCertificate(current.cert);
    if (renewalDue(info, now)) return "the serving certificate is due for renewal";
    if (!sameHosts(info.hosts, policy.hosts)) return "the serving certificate's hosts changed";
    const ca = current.caCerts[0] ?? "";
    return (await isSignedBy(current.cert, ca)) ? undefined : "the serving certificate is not signed by the current CA";
  } catch {
    return "the serving certificate is unreadable";
  }
}

function caProblem(current: CertBundle, now: Date): string | undefined {
  try {
    if (current.caKey === "") return "the CA key is missing";
    return renewalDue(inspectCertificate(current.caCerts[0] ?? ""), now) ? "the CA is due for rotation" : undefined;
  } catch {
    return "the CA certificate is unreadable";
  }
}

/**
 * The next state of the webhook's certificates: keep them, reissue the serving certificate
 * under the same CA (renewal or new hosts), or rotate the CA (it is due, or unreadable) and
 * keep the previous CA in the bundle until it expires.
 */
export async function planCertBundle(current: CertBundle | undefined, policy: CertPolicy, now: Date): Promise<CertPlan> {
  if (current === undefined) return { bundle: await withNewCa([], policy, now), changed: true, reason: "no certificate yet" };
  const caReason = caProblem(current, now);
  if (caReason !== undefined) return { bundle: await withNewCa(current.caCerts, policy, now), changed: true, reason: caReason };
  const caCerts = current.caCerts.filter((pem, index) => index === 0 || stillValid(pem, now));
  const leafReason = await leafProblem(current, policy, now);
  if (leafReason !== undefined) {
    const ca: KeyPairPem = { cert: caCerts[0] ?? "", key: current.caKey };
    const leaf = await issueServingCertificate(ca, { hosts: policy.hosts, now, lifetimeMs: lifetimes(policy).leaf });
    return { bundle: { ...current, caCerts, cert: leaf.cert, key: leaf.key }, changed: true, reason: leafReason };
  }
  const pruned = caCerts.length !== current.caCerts.length;
  return { bundle: { ...current, caCerts }, changed: pruned, reason: pruned ? "an expired CA left the bundle" : "up to date" };
}

/** The Secret's data keys (type kubernetes.io/tls, plus the CA). */
export const SECRET_KEYS = { cert: "tls.crt", key: "tls.key", ca: "ca.crt", caKey: "ca.key" } as const;

/** Secret `data` (base64) → bundle; undefined when the serving pair is missing. */
export function bundleFromSecretData(data: Record<string, string> | undefined): CertBundle | undefined {
  const read = (key: string): string => Buffer.from(data?.[key] ?? "", "base64").toString("utf8");
  const cert = read(SECRET_KEYS.cert);
  const key = read(SECRET_KEYS.key);
  if (cert === "" || key === "") return undefined;
  return { caCerts: splitPemBundle(read(SECRET_KEYS.ca)), caKey: read(SECRET_KEYS.caKey), cert, key };
}

/** The CA bundle as one PEM text (ca.crt; the caBundle the webhook configuration carries). */
export function caBundlePem(bundle: CertBundle): string {
  return bundle.caCerts.map((pem) => pem.trim()).join("\n") + "\n";
}

/** Bundle → Secret `data` (base64). */
export function secretDataFromBundle(bundle: CertBundle): Record<string, string> {
  const encode = (text: string): string => Buffer.from(text, "utf8").toString("base64");
  return {
    [SECRET_KEYS.cert]: encode(bundle.cert),
    [SECRET_KEYS.key]: encode(bundle.key),
    [SECRET_KEYS.ca]: encode(caBundlePem(bundle)),
    [SECRET_KEYS.caKey]: encode(bundle.caKey),
  };
}
