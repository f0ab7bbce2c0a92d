import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFsSandbox } from "../../../../test/support/fs-sandbox.ts";
import type { FsSandbox } from "../../../../test/support/fs-sandbox.ts";
import { MAX_WRITE_BYTES } from "./tool-input.ts";
import { writeTool } from "./write-tool.ts";

describe("Write", () => {
  let sandbox: FsSandbox;
  beforeAll(async () => {
    sandbox = await createFsSandbox();
  });
  afterAll(async () => {
    await sandbox.dispose();
  });

  it("creates a file and its missing folders, leaving no temporary file", async () => {
    const result = await writeTool.execute({ path: "new/deep/file.txt", content: "hi" }, sandbox.context());
    expect(result).toEqual({ is_error: false, text: "wrote 2 bytes to new/deep/file.txt" });
    expect(await readFile(join(sandbox.rw.root, "new/deep/file.txt"), "utf8")).toBe("hi");
    expect(await readdir(join(sandbox.rw.root, "new/deep"))).toEqual(["file.txt"]);
  });

  it("overwrites an existing file", async () => {
    await writeTool.execute({ path: "hello.txt", content: "replaced" }, sandbox.context());
    expect(await readFile(join(sandbox.rw.root, "hello.txt"), "utf8")).toBe("replaced");
  });

  it("refuses a read-only volume", async () => {
    const result = await writeTool.execute({ path: "x.md", content: "no", volume: "docs" }, sandbox.context());
    expect(result).toEqual({ is_error: true, text: 'Write: volume "docs" is read-only: writes are refused' });
  });

  it("refuses content over 1 MiB", async () => {
    const result = await writeTool.execute({ path: "big.txt", content: "x".repeat(MAX_WRITE_BYTES + 1) }, sandbox.context());
    expect(result.is_error).toBe(true);
    expect(result.text).toContain("the limit is 1048576 bytes");
  });

  it("refuses ../, an absolute path outside, a symlinked folder out and a dangling symlink", async () => {
    for (const path of ["../outside/x.txt", `${sandbox.outside}/x.txt`, "link-out/x.txt", "dangling-out", "file-out"]) {
      expect((await writeTool.execute({ path, content: "pwned" }, sandbox.context())).is_error, path).toBe(true);
    }
    expect(await readdir(sandbox.outside)).toEqual(["secret.txt"]);
  });
});
