import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFsSandbox } from "../../../../test/support/fs-sandbox.ts";
import type { FsSandbox } from "../../../../test/support/fs-sandbox.ts";
import type { Tool } from "../../tool.ts";
import { editTool, globTool, grepTool, notebookEditTool, readTool, writeTool } from "./index.ts";

/** How each tool is called with a given path; every other field is valid. */
const CALLS: readonly { tool: Tool; input: (path: string) => Record<string, unknown> }[] = [
  { tool: readTool, input: (path) => ({ path }) },
  { tool: writeTool, input: (path) => ({ path, content: "pwned" }) },
  { tool: editTool, input: (path) => ({ path, old_string: "top", new_string: "pwned" }) },
  { tool: grepTool, input: (path) => ({ pattern: "secret", path }) },
  { tool: globTool, input: (path) => ({ pattern: "**", path }) },
  { tool: notebookEditTool, input: (path) => ({ file_path: `${path}.ipynb`, cell_id: "0", source: "pwned" }) },
];

describe("every file tool refuses paths that leave its volume", () => {
  let sandbox: FsSandbox;
  beforeAll(async () => {
    sandbox = await createFsSandbox();
  });
  afterAll(async () => {
    await sandbox.dispose();
  });

  const corpus = (): string[] => [
    "../outside/secret.txt",
    "../../etc/passwd",
    "src/../../outside/secret.txt",
    "./../outside",
    `${sandbox.outside}/secret.txt`,
    "/etc/passwd",
    "link-out/secret.txt",
    "link-out",
    "file-out",
    "dangling-out",
    "link-out/new-file.txt",
  ];

  it.each(CALLS.map((call) => [call.tool.name, call] as const))("%s", async (_name, call) => {
    for (const path of corpus()) {
      const result = await call.tool.execute(call.input(path), sandbox.context());
      expect(result.is_error, `${call.tool.name} ${path}: ${result.text}`).toBe(true);
      expect(result.text).toMatch(/outside volume|through a symlink|dangling symlink|file not found/);
      expect(result.text).not.toContain("top secret");
    }
  });

  it.each(CALLS.map((call) => [call.tool.name, call] as const))("%s refuses every call when no volume is granted", async (_name, call) => {
    const result = await call.tool.execute(call.input("hello.txt"), sandbox.context([]));
    expect(result).toEqual({ is_error: true, text: expect.stringContaining("no volume is available") });
  });
});
