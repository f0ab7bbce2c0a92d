import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFsSandbox } from "../../../../test/support/fs-sandbox.ts";
import type { FsSandbox } from "../../../../test/support/fs-sandbox.ts";
import { readTool } from "./read-tool.ts";
import { MAX_READ_BYTES } from "./tool-input.ts";

describe("Read", () => {
  let sandbox: FsSandbox;
  beforeAll(async () => {
    sandbox = await createFsSandbox();
  });
  afterAll(async () => {
    await sandbox.dispose();
  });

  it("reads a file relative to the first volume, or to the named one", async () => {
    expect(await readTool.execute({ path: "hello.txt" }, sandbox.context())).toEqual({ is_error: false, text: "line one\nline two\nline three" });
    expect((await readTool.execute({ path: "readme.md", volume: "docs" }, sandbox.context())).text).toBe("# docs\nread only");
  });

  it("accepts an absolute path inside a granted root", async () => {
    const result = await readTool.execute({ path: join(sandbox.ro.root, "readme.md") }, sandbox.context());
    expect(result.is_error).toBe(false);
  });

  it("reads a window of lines with offset and limit", async () => {
    expect((await readTool.execute({ path: "hello.txt", offset: 2, limit: 1 }, sandbox.context())).text).toBe("line two");
  });

  it("truncates at 256 KiB with a note saying where to continue", async () => {
    await writeFile(join(sandbox.rw.root, "big.txt"), `${"x".repeat(1023)}\n`.repeat(300));
    const result = await readTool.execute({ path: "big.txt" }, sandbox.context());
    expect(result.is_error).toBe(false);
    expect(result.text).toMatch(/\[truncated: output is capped at 262144 bytes; continue with offset=\d+\]$/);
    expect(Buffer.byteLength(result.text)).toBeLessThan(MAX_READ_BYTES + 200);
  });

  it("refuses a missing file, a folder, an unknown volume and bad input", async () => {
    expect((await readTool.execute({ path: "nope.txt" }, sandbox.context())).text).toContain("file not found: nope.txt");
    expect((await readTool.execute({ path: "src" }, sandbox.context())).text).toContain("is not a file");
    expect((await readTool.execute({ path: "hello.txt", volume: "other" }, sandbox.context())).text).toContain('volume "other" is not available');
    expect(await readTool.execute({ path: 3 }, sandbox.context())).toMatchObject({ is_error: true, text: expect.stringContaining("Read: path:") });
  });

  it("refuses ../, an absolute path outside, and a symlink out of the root", async () => {
    for (const path of ["../outside/secret.txt", `${sandbox.outside}/secret.txt`, "file-out"]) {
      expect((await readTool.execute({ path }, sandbox.context())).is_error).toBe(true);
    }
  });
});
