import { describe, expect, it } from "vitest";
import { RunSecrets } from "./run-secrets.ts";

describe("RunSecrets", () => {
  it("keeps a run's credentials until dropped, and keeps nothing for a run without any", () => {
    const vault = new RunSecrets();
    vault.set("run_a", { user_bearer: "b".repeat(16) });
    vault.set("run_b", {});
    vault.set("run_c", undefined);
    expect(vault.size).toBe(1);
    expect(vault.get("run_a")).toEqual({ user_bearer: "b".repeat(16) });
    vault.drop("run_a");
    expect(vault.get("run_a")).toBeUndefined();
    expect(vault.size).toBe(0);
  });
});
