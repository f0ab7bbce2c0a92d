import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createFsSandbox } from "../../../../test/support/fs-sandbox.ts";
import type { FsSandbox } from "../../../../test/support/fs-sandbox.ts";
import { editTool } from "./edit-tool.ts";

describe("Edit", () => {
  let sandbox: FsSandbox;
  beforeEach(async () => {
    await sandbox?.dispose();
    sandbox = await createFsSandbox();
  });
  afterAll(async () => {
    await sandbox.dispose();
  });
  const file = (): string => join(sandbox.rw.root, "hello.txt");

  it("replaces a unique exact match", async () => {
    const result = await editTool.execute({ path: "hello.txt", old_string: "line two", new_string: "LINE 2" }, sandbox.context());
    expect(result).toEqual({ is_error: false, text: "replaced 1 occurrence in hello.txt" });
    expect(await readFile(file(), "utf8")).toBe("line one\nLINE 2\nline three\n");
  });

  it("refuses a non-unique match with the count, and replaces all with replace_all", async () => {
    const refused = await editTool.execute({ path: "hello.txt", old_string: "line", new_string: "row" }, sandbox.context());
    expect(refused.is_error).toBe(true);
    expect(refused.text).toContain("occurs 3 times in hello.txt");
    const result = await editTool.execute({ path: "hello.txt", old_string: "line", new_string: "row", replace_all: true }, sandbox.context());
    expect(result.text).toBe("replaced 3 occurrences in hello.txt");
    expect(await readFile(file(), "utf8")).toBe("row one\nrow two\nrow three\n");
  });

  it("inserts replacement text literally ($ patterns are not special)", async () => {
    await editTool.execute({ path: "hello.txt", old_string: "one", new_string: "$& $1" }, sandbox.context());
    expect(await readFile(file(), "utf8")).toContain("line $& $1\n");
  });

  it("refuses a missing match, a missing file, a read-only volume and equal strings", async () => {
    expect((await editTool.execute({ path: "hello.txt", old_string: "absent", new_string: "x" }, sandbox.context())).text).toContain("not found in hello.txt");
    expect((await editTool.execute({ path: "nope.txt", old_string: "a", new_string: "b" }, sandbox.context())).text).toContain("file not found");
    expect((await editTool.execute({ path: "readme.md", volume: "docs", old_string: "docs", new_string: "x" }, sandbox.context())).text).toContain("read-only");
    expect((await editTool.execute({ path: "hello.txt", old_string: "one", new_string: "one" }, sandbox.context())).is_error).toBe(true);
  });

  it("refuses a file over 1 MiB", async () => {
    await writeFile(join(sandbox.rw.root, "big.txt"), "x".repeat(1024 * 1024 + 1));
    expect((await editTool.execute({ path: "big.txt", old_string: "x", new_string: "y", replace_all: true }, sandbox.context())).text).toContain("cannot be edited");
  });

  it("refuses ../ and a symlink out of the root", async () => {
    for (const path of ["../outside/secret.txt", "file-out", `${sandbox.outside}/secret.txt`]) {
      expect((await editTool.execute({ path, old_string: "top", new_string: "x" }, sandbox.context())).is_error).toBe(true);
    }
    expect(await readFile(join(sandbox.outside, "secret.txt"), "utf8")).toBe("top secret\n");
  });
});
