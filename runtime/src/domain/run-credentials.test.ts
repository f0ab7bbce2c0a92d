import { describe, expect, it } from "vitest";
import { UserBearer, UserCredentials, credentialValues, maskSecrets } from "./run-credentials.ts";

describe("run credentials", () => {
  it("masks every value, its JSON-escaped form, and never values too short to be secrets", () => {
    const values = credentialValues({ user_bearer: "tok-0123456789abcdef", user_credentials: { pw: 'p"ss/word', pin: "12" } });
    const text = `{"a":"tok-0123456789abcdef","b":${JSON.stringify('p"ss/word')},"c":"12 items"}`;
    expect(maskSecrets(text, values)).toBe('{"a":"[REDACTED]","b":"[REDACTED]","c":"12 items"}');
    expect(credentialValues(undefined)).toEqual([]);
  });

  it("validates the wire shapes", () => {
    expect(UserBearer.safeParse("a".repeat(15)).success).toBe(false);
    expect(UserBearer.safeParse("aB3._-+/=".repeat(2)).success).toBe(true);
    expect(UserCredentials.safeParse({ "ok_name-1": "v" }).success).toBe(true);
    expect(UserCredentials.safeParse({ "": "v" }).success).toBe(false);
    expect(UserCredentials.safeParse({ ["k".repeat(65)]: "v" }).success).toBe(false);
  });
});
