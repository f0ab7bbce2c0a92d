import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFsSandbox } from "../../../../test/support/fs-sandbox.ts";
import type { FsSandbox } from "../../../../test/support/fs-sandbox.ts";
import { grepTool } from "./grep-tool.ts";

describe("Grep", () => {
  let sandbox: FsSandbox;
  beforeAll(async () => {
    sandbox = await createFsSandbox();
    await writeFile(join(sandbox.rw.root, "blob.bin"), Buffer.from([0x6c, 0x69, 0x6e, 0x65, 0, 1]));
  });
  afterAll(async () => {
    await sandbox.dispose();
  });

  it("returns file:line: text for every match, never following symlinks out", async () => {
    const result = await grepTool.execute({ pattern: "line t" }, sandbox.context());
    expect(result).toEqual({ is_error: false, text: "hello.txt:2: line two\nhello.txt:3: line three" });
    expect((await grepTool.execute({ pattern: "secret" }, sandbox.context())).text).toBe("no matches");
  });

  it("narrows by path and glob, and skips binary files", async () => {
    expect((await grepTool.execute({ pattern: "answer", path: "src" }, sandbox.context())).text).toBe("src/main.ts:1: export const answer = 42;");
    expect((await grepTool.execute({ pattern: "line|answer", glob: "*.ts" }, sandbox.context())).text).toBe("src/main.ts:1: export const answer = 42;");
    expect((await grepTool.execute({ pattern: "line", glob: "*.bin" }, sandbox.context())).text).toBe("no matches");
  });

  it("caps the number of matches", async () => {
    await writeFile(join(sandbox.rw.root, "many.txt"), "hit\n".repeat(500));
    const lines = (await grepTool.execute({ pattern: "hit", path: "many.txt" }, sandbox.context())).text.split("\n");
    expect(lines).toHaveLength(101);
    expect(lines.at(-1)).toContain("stopped after 100 matches");
  });

  it("refuses an invalid pattern, a missing path and paths outside the volume", async () => {
    expect((await grepTool.execute({ pattern: "(" }, sandbox.context())).text).toContain("Grep: invalid pattern");
    expect((await grepTool.execute({ pattern: "x", path: "nope" }, sandbox.context())).text).toContain("file not found");
    expect((await grepTool.execute({ pattern: "secret", path: "../outside" }, sandbox.context())).is_error).toBe(true);
    expect((await grepTool.execute({ pattern: "secret", path: "link-out" }, sandbox.context())).is_error).toBe(true);
  });
});
