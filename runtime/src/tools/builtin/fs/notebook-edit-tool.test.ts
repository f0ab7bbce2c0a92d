import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createFsSandbox } from "../../../../test/support/fs-sandbox.ts";
import type { FsSandbox } from "../../../../test/support/fs-sandbox.ts";
import { notebookEditTool } from "./notebook-edit-tool.ts";

const NOTEBOOK = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: "markdown", id: "intro", metadata: {}, source: ["# Title\n"] },
    { cell_type: "code", id: "calc", metadata: { tag: 1 }, source: ["1 + 1"], execution_count: 3, outputs: [{ output_type: "execute_result" }] },
  ],
};

interface Cell {
  cell_type: string;
  id: string;
  source: string[];
  outputs?: unknown[];
  metadata: unknown;
}

describe("NotebookEdit", () => {
  let sandbox: FsSandbox;
  beforeEach(async () => {
    await sandbox?.dispose();
    sandbox = await createFsSandbox();
    await writeFile(join(sandbox.rw.root, "nb.ipynb"), JSON.stringify(NOTEBOOK));
  });
  afterAll(async () => {
    await sandbox.dispose();
  });
  const cells = async (): Promise<Cell[]> => (JSON.parse(await readFile(join(sandbox.rw.root, "nb.ipynb"), "utf8")) as { cells: Cell[] }).cells;

  it("replaces a cell's source by id, keeping id and metadata and clearing outputs", async () => {
    const result = await notebookEditTool.execute({ file_path: "nb.ipynb", cell_id: "calc", source: "2 + 2\nprint(4)" }, sandbox.context());
    expect(result).toEqual({ is_error: false, text: "replaced cell 1 in nb.ipynb" });
    expect((await cells())[1]).toMatchObject({ id: "calc", metadata: { tag: 1 }, source: ["2 + 2\n", "print(4)"], outputs: [] });
  });

  it("inserts after a cell given by index (first without one) and deletes", async () => {
    await notebookEditTool.execute({ file_path: "nb.ipynb", cell_id: 0, mode: "insert", cell_type: "markdown", source: "note" }, sandbox.context());
    await notebookEditTool.execute({ file_path: "nb.ipynb", mode: "insert", source: "import os" }, sandbox.context());
    expect((await cells()).map((cell) => cell.source.join(""))).toEqual(["import os", "# Title\n", "note", "1 + 1"]);
    await notebookEditTool.execute({ file_path: "nb.ipynb", cell_id: "intro", mode: "delete" }, sandbox.context());
    expect((await cells()).map((cell) => cell.cell_type)).toEqual(["code", "markdown", "code"]);
  });

  it("refuses an unknown cell, a non-notebook, bad JSON, a missing file and a read-only volume", async () => {
    expect((await notebookEditTool.execute({ file_path: "nb.ipynb", cell_id: "zzz", source: "x" }, sandbox.context())).text).toContain("no cell");
    expect((await notebookEditTool.execute({ file_path: "hello.txt", cell_id: "0", source: "x" }, sandbox.context())).text).toContain(".ipynb");
    await writeFile(join(sandbox.rw.root, "bad.ipynb"), "{");
    expect((await notebookEditTool.execute({ file_path: "bad.ipynb", cell_id: "0", source: "x" }, sandbox.context())).text).toContain("not valid notebook JSON");
    expect((await notebookEditTool.execute({ file_path: "nope.ipynb", cell_id: "0", source: "x" }, sandbox.context())).text).toContain("file not found");
    const readOnly = await notebookEditTool.execute({ file_path: "nb.ipynb", cell_id: "0", source: "x", volume: "docs" }, sandbox.context());
    expect(readOnly.is_error).toBe(true);
    expect((await notebookEditTool.execute({ file_path: "nb.ipynb", cell_id: "0" }, sandbox.context())).text).toContain("source");
  });
});
