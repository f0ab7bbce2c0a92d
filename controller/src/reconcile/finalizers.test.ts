import { describe, expect, it } from "vitest";
import { hasFinalizer, isDeleting, runFinalizer, withoutFinalizer } from "./finalizers.ts";

const FINALIZER = "loomcycle.dev/definition";

describe("finalizers", () => {
  it("asks to add the finalizer to a live object that lacks it, and nothing once present", async () => {
    let cleaned = 0;
    const cleanup = async (): Promise<void> => void cleaned++;
    expect(await runFinalizer({ metadata: { name: "a", finalizers: ["other/x"] } }, FINALIZER, cleanup)).toEqual({ finalizers: ["other/x", FINALIZER], deleting: false });
    expect(await runFinalizer({ metadata: { name: "a", finalizers: [FINALIZER] } }, FINALIZER, cleanup)).toEqual({ deleting: false });
    expect(cleaned).toBe(0);
  });

  it("runs cleanup and removes only its own finalizer when the object is deleting", async () => {
    let cleaned = 0;
    const deleting = { metadata: { name: "a", deletionTimestamp: new Date(), finalizers: ["other/x", FINALIZER] } };
    expect(isDeleting(deleting)).toBe(true);
    expect(await runFinalizer(deleting, FINALIZER, async () => void cleaned++)).toEqual({ finalizers: ["other/x"], deleting: true });
    expect(cleaned).toBe(1);
    expect(await runFinalizer({ metadata: { ...deleting.metadata, finalizers: ["other/x"] } }, FINALIZER, async () => void cleaned++)).toEqual({ deleting: true });
    expect(cleaned).toBe(1);
  });

  it("keeps the finalizer when cleanup fails, so the delete waits for a retry", async () => {
    const deleting = { metadata: { name: "a", deletionTimestamp: new Date(), finalizers: [FINALIZER] } };
    await expect(runFinalizer(deleting, FINALIZER, async () => Promise.reject(new Error("store down")))).rejects.toThrow("store down");
    expect(hasFinalizer(deleting, FINALIZER)).toBe(true);
    expect(withoutFinalizer(deleting, FINALIZER)).toEqual([]);
  });
});
