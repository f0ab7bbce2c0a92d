import { readFile } from "node:fs/promises";
import path from "node:path";
import type { CoreV1Api } from "@kubernetes/client-node";
import type { InjectorConfig } from "../config/injector-config.ts";
import { readCertSecret } from "./cert-secret.ts";
import type { KeyPairPem } from "./certificates.ts";

/** Where a replica reads the certificate it serves; undefined = none yet. */
export type CertificateReader = () => Promise<KeyPairPem | undefined>;

/** Self mode: every replica (leader or not) serves what the Secret holds. */
export function secretCertificateReader(core: CoreV1Api, config: InjectorConfig): CertificateReader {
  return async () => {
    const stored = await readCertSecret(core, config);
    return stored.bundle === undefined ? undefined : { cert: stored.bundle.cert, key: stored.bundle.key };
  };
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** cert-manager mode: tls.crt and tls.key from the mounted Secret volume (re-read: the kubelet swaps them on renewal). */
export function fileCertificateReader(directory: string): CertificateReader {
  return async () => {
    const [cert, key] = await Promise.all([readOptional(path.join(directory, "tls.crt")), readOptional(path.join(directory, "tls.key"))]);
    return cert === undefined || key === undefined || cert.trim() === "" || key.trim() === "" ? undefined : { cert, key };
  };
}

/** The reader for the configured mode. */
export function certificateReader(core: CoreV1Api, config: InjectorConfig): CertificateReader {
  return config.certMode === "cert-manager" ? fileCertificateReader(config.certDir) : secretCertificateReader(core, config);
}
