import { describe, expect, it } from "vitest";
import { substituteSecrets } from "./header-secrets.ts";

const secrets = { user_bearer: "bearer-token-0123456789", user_credentials: { github: "ghp_abcdef", "api-key": "k-123456" } };

describe("substituteSecrets", () => {
  it("fills ${run.user_bearer} and ${cred:<name>} in header values and leaves other text alone", () => {
    const headers = { authorization: "Bearer ${run.user_bearer}", "x-gh": "token ${cred:github}", "x-both": "${cred:api-key}/${cred:github}", accept: "text/plain" };
    expect(substituteSecrets(headers, secrets)).toEqual({
      authorization: "Bearer bearer-token-0123456789",
      "x-gh": "token ghp_abcdef",
      "x-both": "k-123456/ghp_abcdef",
      accept: "text/plain",
    });
  });

  it("names a missing credential and what the run has, never a value", () => {
    const result = substituteSecrets({ "x-key": "${cred:stripe}" }, secrets);
    expect(result).toBe("header x-key: ${cred:stripe} is not set for this run (the caller gave a user_bearer and credentials github, api-key)");
    expect(result).not.toContain("ghp_abcdef");
    expect(substituteSecrets({ authorization: "Bearer ${run.user_bearer}" }, undefined)).toBe(
      "header authorization: ${run.user_bearer} is not set for this run (the caller gave no user_bearer and no credentials)",
    );
  });
});
