import { describe, expect, it } from "vitest";
import { bundleFromSecretData, caBundlePem, planCertBundle, secretDataFromBundle } from "./cert-bundle.ts";
import type { CertPolicy } from "./cert-bundle.ts";
import { inspectCertificate, isSignedBy } from "./certificates.ts";

const DAY = 86_400_000;
const policy: CertPolicy = { hosts: ["loomcycle-webhook.ops.svc", "127.0.0.1"], caCommonName: "test-ca", caLifetimeMs: 30 * DAY, leafLifetimeMs: 9 * DAY };
const start = new Date("2026-01-01T00:00:00Z");
const at = (days: number): Date => new Date(start.getTime() + days * DAY);

describe("planCertBundle", () => {
  it("creates a CA and a serving certificate for the hosts, signed by it", async () => {
    const plan = await planCertBundle(undefined, policy, start);
    expect(plan).toMatchObject({ changed: true, reason: "no certificate yet" });
    const { bundle } = plan;
    expect(bundle.caCerts).toHaveLength(1);
    expect(await isSignedBy(bundle.cert, bundle.caCerts[0] as string)).toBe(true);
    const leaf = inspectCertificate(bundle.cert);
    expect(leaf.hosts).toEqual(["loomcycle-webhook.ops.svc", "127.0.0.1"]);
    expect(leaf.notAfter.getTime() - start.getTime()).toBe(9 * DAY);
    // The Secret round trip keeps everything.
    expect(bundleFromSecretData(secretDataFromBundle(bundle))).toEqual(bundle);
  });

  it("keeps a fresh bundle, renews the serving certificate under the same CA when a third of its life is left, and on new hosts", async () => {
    const { bundle } = await planCertBundle(undefined, policy, start);
    expect(await planCertBundle(bundle, policy, at(5))).toMatchObject({ changed: false, reason: "up to date" });
    const renewed = await planCertBundle(bundle, policy, at(7));
    expect(renewed).toMatchObject({ changed: true, reason: "the serving certificate is due for renewal" });
    expect(renewed.bundle.caCerts).toEqual(bundle.caCerts);
    expect(renewed.bundle.cert).not.toBe(bundle.cert);
    expect(await isSignedBy(renewed.bundle.cert, bundle.caCerts[0] as string)).toBe(true);
    const moreHosts = await planCertBundle(bundle, { ...policy, hosts: [...policy.hosts, "extra.example"] }, at(1));
    expect(moreHosts.reason).toBe("the serving certificate's hosts changed");
    expect(inspectCertificate(moreHosts.bundle.cert).hosts).toContain("extra.example");
  });

  it("rotates the CA when it is due, keeping the old CA in the bundle until it expires", async () => {
    const { bundle } = await planCertBundle(undefined, policy, start);
    const rotated = await planCertBundle(bundle, policy, at(21));
    expect(rotated).toMatchObject({ changed: true, reason: "the CA is due for rotation" });
    expect(rotated.bundle.caCerts).toHaveLength(2);
    expect(rotated.bundle.caCerts[1]).toBe(bundle.caCerts[0]);
    expect(await isSignedBy(rotated.bundle.cert, rotated.bundle.caCerts[0] as string)).toBe(true);
    expect(caBundlePem(rotated.bundle).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    // Once the old CA has expired it leaves the bundle (the new one, issued at day 21, is still young at day 31).
    const later = await planCertBundle(rotated.bundle, policy, at(31));
    expect(later.bundle.caCerts).toEqual([rotated.bundle.caCerts[0]]);
    expect(later.changed).toBe(true);
  });

  it("starts over when the stored CA is unreadable or its key is missing", async () => {
    const { bundle } = await planCertBundle(undefined, policy, start);
    expect((await planCertBundle({ ...bundle, caKey: "" }, policy, at(1))).reason).toBe("the CA key is missing");
    expect((await planCertBundle({ ...bundle, caCerts: ["garbage"] }, policy, at(1))).reason).toBe("the CA certificate is unreadable");
    expect((await planCertBundle({ ...bundle, cert: "garbage" }, policy, at(1))).reason).toBe("the serving certificate is unreadable");
  });
});
