import { describe, expect, it } from "vitest";
import { bearerParts, hashSecret, mintToken, sameSecret } from "./token-secrets.ts";

describe("token secrets", () => {
  it("mints lct_<lookup>_<secret> tokens that split back into their parts", () => {
    const minted = mintToken();
    expect(minted.token).toMatch(/^lct_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(bearerParts(minted.token, "p")).toEqual({ lookupId: minted.lookupId, secret: minted.secret });
    expect(mintToken().token).not.toBe(minted.token);
  });

  it("looks an imported token up by a peppered digest and checks the whole token as its secret", () => {
    const parts = bearerParts("legacy-shared-token", "pepper");
    expect(parts.secret).toBe("legacy-shared-token");
    expect(parts.lookupId).toMatch(/^imp_[0-9a-f]{24}$/);
    expect(parts.lookupId).not.toContain("legacy");
    expect(bearerParts("legacy-shared-token", "other").lookupId).not.toBe(parts.lookupId);
  });

  it("hashes with pepper and salt, so neither the same secret nor a changed pepper matches", () => {
    const base = hashSecret({ pepper: "p", salt: "s1", secret: "x" });
    expect(hashSecret({ pepper: "p", salt: "s2", secret: "x" })).not.toBe(base);
    expect(hashSecret({ pepper: "q", salt: "s1", secret: "x" })).not.toBe(base);
    expect(sameSecret(base, hashSecret({ pepper: "p", salt: "s1", secret: "x" }))).toBe(true);
    expect(sameSecret("short", "a-much-longer-value")).toBe(false);
  });
});
