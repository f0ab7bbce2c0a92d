import { utimes } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFsSandbox } from "../../../../test/support/fs-sandbox.ts";
import type { FsSandbox } from "../../../../test/support/fs-sandbox.ts";
import { globTool } from "./glob-tool.ts";

describe("Glob", () => {
  let sandbox: FsSandbox;
  beforeAll(async () => {
    sandbox = await createFsSandbox();
    await utimes(join(sandbox.rw.root, "hello.txt"), new Date(1_000_000), new Date(1_000_000));
  });
  afterAll(async () => {
    await sandbox.dispose();
  });

  it("lists matching files newest first, relative to the volume root, without following symlinks", async () => {
    expect(await globTool.execute({ pattern: "**/*" }, sandbox.context())).toEqual({ is_error: false, text: "src/main.ts\nhello.txt" });
    expect((await globTool.execute({ pattern: "*.ts", path: "src" }, sandbox.context())).text).toBe("src/main.ts");
    expect((await globTool.execute({ pattern: "**/*.md", volume: "docs" }, sandbox.context())).text).toBe("readme.md");
  });

  it("says when nothing matches", async () => {
    expect((await globTool.execute({ pattern: "*.go" }, sandbox.context())).text).toBe("no files match");
  });

  it("refuses a file as the base, a missing folder and paths outside the volume", async () => {
    expect((await globTool.execute({ pattern: "*", path: "hello.txt" }, sandbox.context())).text).toContain("is not a folder");
    expect((await globTool.execute({ pattern: "*", path: "nope" }, sandbox.context())).text).toContain("file not found");
    expect((await globTool.execute({ pattern: "*", path: "../outside" }, sandbox.context())).is_error).toBe(true);
    expect((await globTool.execute({ pattern: "*", path: "link-out" }, sandbox.context())).is_error).toBe(true);
  });
});
