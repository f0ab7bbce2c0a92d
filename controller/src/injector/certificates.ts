import "reflect-metadata";
import { isIP } from "node:net";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);

const ALGORITHM: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
/** Backdate notBefore: a node whose clock runs a little behind still accepts a fresh certificate. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** A certificate and its private key, both PEM (the key PKCS#8). Key material: never log it. */
export interface KeyPairPem {
  cert: string;
  key: string;
}

/** What the injector needs to know about a certificate (no key material). */
export interface CertificateInfo {
  notBefore: Date;
  notAfter: Date;
  subject: string;
  /** DNS names and IPs from the SAN extension. */
  hosts: string[];
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (der === undefined) throw new Error("the CA key is not PEM");
  return webcrypto.subtle.importKey("pkcs8", der, ALGORITHM, false, ["sign"]);
}

function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString("hex");
}

function validity(now: Date, lifetimeMs: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now.getTime() - CLOCK_SKEW_MS), notAfter: new Date(now.getTime() + lifetimeMs) };
}

/** A self-signed ECDSA P-256 CA (path length 0: it signs serving certificates only). */
export async function generateCertificateAuthority(options: { commonName: string; now: Date; lifetimeMs: number }): Promise<KeyPairPem> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${options.commonName}`,
    ...validity(options.now, options.lifetimeMs),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString("pem"), key: await privateKeyPem(keys.privateKey) };
}

/** A serving certificate for `hosts` (IP SANs for addresses, DNS SANs otherwise), signed by `ca`. */
export async function issueServingCertificate(ca: KeyPairPem, options: { hosts: readonly string[]; now: Date; lifetimeMs: number }): Promise<KeyPairPem> {
  const caCert = new x509.X509Certificate(ca.cert);
  const keys = await generateKeys();
  const names = options.hosts.map((host) => ({ type: isIP(host) === 0 ? ("dns" as const) : ("ip" as const), value: host }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${options.hosts[0] ?? "loomcycle-webhook"}`,
    issuer: caCert.subject,
    ...validity(options.now, options.lifetimeMs),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: await importPrivateKey(ca.key),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { cert: cert.toString("pem"), key: await privateKeyPem(keys.privateKey) };
}

/** The PEM certificates in a bundle, in order (unparseable blocks dropped). */
export function splitPemBundle(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Reads a PEM certificate's dates, subject and SANs; throws on anything that is not one. */
export function inspectCertificate(pem: string): CertificateInfo {
  const cert = new x509.X509Certificate(pem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  return { notBefore: cert.notBefore, notAfter: cert.notAfter, subject: cert.subject, hosts: (san?.names.items ?? []).map((name) => name.value) };
}

/** Whether `pem` was signed by the CA certificate `caPem`. */
export async function isSignedBy(pem: string, caPem: string): Promise<boolean> {
  const cert = new x509.X509Certificate(pem);
  const ca = new x509.X509Certificate(caPem);
  return cert.issuer === ca.subject && (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }));
}

/** True when less than a third of the certificate's lifetime is left (or it is not yet / no longer valid). */
export function renewalDue(info: CertificateInfo, now: Date): boolean {
  const lifetime = info.notAfter.getTime() - info.notBefore.getTime();
  const left = info.notAfter.getTime() - now.getTime();
  return now < info.notBefore || left < lifetime / 3;
}
