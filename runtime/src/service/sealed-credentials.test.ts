import { describe, expect, it } from "vitest";
import { credentialKey, openCredentials, sealCredentials } from "./sealed-credentials.ts";

const credentials = { user_bearer: "bearer-0123456789abcdef", user_credentials: { github: "ghp_secret_value" } };

describe("sealed run credentials", () => {
  it("open what was sealed for the same run with the same key, and the sealed text shows no secret", () => {
    const key = credentialKey("operator secret");
    const sealed = sealCredentials(key, "run_1", credentials);
    expect(sealed).not.toContain("ghp_secret_value");
    expect(sealed).not.toContain("bearer-0123456789abcdef");
    expect(openCredentials(key, "run_1", sealed)).toEqual(credentials);
  });

  it("refuse to open for another run or under another key", () => {
    const sealed = sealCredentials(credentialKey("operator secret"), "run_1", credentials);
    expect(() => openCredentials(credentialKey("operator secret"), "run_2", sealed)).toThrow();
    expect(() => openCredentials(credentialKey("another secret"), "run_1", sealed)).toThrow();
  });
});
