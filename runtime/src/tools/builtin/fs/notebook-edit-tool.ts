import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { resolveInVolume } from "./resolve-in-volume.ts";
import { z } from "zod";
import { MAX_WRITE_BYTES, VOLUME_PARAMETER, isRefusal, parseInput, pathParameter, refuse, succeed } from "./tool-input.ts";
import { writeAtomically } from "./write-atomically.ts";

type CellType = "code" | "markdown";

interface NotebookCell {
  cell_type: string;
  id?: string;
  source: string | string[];
  [key: string]: unknown;
}

const NotebookEditInput = z
  .object({
    file_path: z.string().regex(/\.ipynb$/, "must name a .ipynb notebook"),
    cell_id: z.union([z.string().min(1), z.number().int().min(0).transform(String)]).optional(),
    cell_type: z.enum(["code", "markdown"]).optional(),
    source: z.string().optional(),
    mode: z.enum(["replace", "insert", "delete"]).default("replace"),
    volume: z.string().min(1).optional(),
  })
  .refine((value) => value.mode === "delete" || value.source !== undefined, { message: "required unless mode is delete", path: ["source"] })
  .refine((value) => value.mode === "insert" || value.cell_id !== undefined, { message: "required unless mode is insert", path: ["cell_id"] });
type EditRequest = z.infer<typeof NotebookEditInput>;

/**
 * NotebookEdit: replaces, inserts or deletes one cell of a Jupyter notebook on a read-write
 * volume (loomcycle's parameters: `file_path`, `cell_id`, `cell_type`, `source`, `mode`).
 * `cell_id` is a cell's `id` or its 0-based index; insert puts the new cell after it (first without one).
 */
export const notebookEditTool: Tool = {
  name: "NotebookEdit",
  // Inserting or deleting a cell twice changes the notebook twice.
  idempotent: false,
  description: "Edit a Jupyter notebook (.ipynb) cell on a read-write volume: replace its source, insert a new cell after it, or delete it.",
  inputSchema: {
    type: "object",
    properties: {
      file_path: pathParameter("Notebook (.ipynb)"),
      cell_id: { type: "string", description: "The cell's id, or its 0-based index. For insert: the new cell goes after it (first when omitted)." },
      cell_type: { type: "string", enum: ["code", "markdown"], description: "Type of the new cell (insert; default code) or the replaced one." },
      source: { type: "string", description: "The new source of the cell (ignored for delete)." },
      mode: { type: "string", enum: ["replace", "insert", "delete"], description: "What to do; default replace." },
      volume: VOLUME_PARAMETER,
    },
    required: ["file_path"],
    additionalProperties: false,
  },
  async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
    const request = parseInput("NotebookEdit", NotebookEditInput, input);
    if (isRefusal(request)) return request;
    const target = await resolveInVolume(context.policy, { path: request.file_path, volume: request.volume }, { write: true, mustExist: true });
    if ("refused" in target) return refuse(`NotebookEdit: ${target.refused}`);
    if ((await stat(target.absolute)).size > MAX_WRITE_BYTES) return refuse(`NotebookEdit: notebooks over ${MAX_WRITE_BYTES} bytes cannot be edited`);
    let notebook: { cells?: unknown };
    try {
      notebook = JSON.parse(await readFile(target.absolute, "utf8")) as { cells?: unknown };
    } catch {
      return refuse(`NotebookEdit: ${target.shown} is not valid notebook JSON`);
    }
    if (!Array.isArray(notebook.cells)) return refuse(`NotebookEdit: ${target.shown} has no cells array`);
    const outcome = applyEdit(notebook.cells as NotebookCell[], request);
    if (isRefusal(outcome)) return outcome;
    const text = `${JSON.stringify(notebook, null, 1)}\n`;
    if (Buffer.byteLength(text) > MAX_WRITE_BYTES) return refuse(`NotebookEdit: the result would exceed ${MAX_WRITE_BYTES} bytes`);
    await writeAtomically(target.absolute, text);
    return succeed(`${outcome} in ${target.shown}`);
  },
};

/** Applies the edit to the cells in place; a description of what changed, or a refusal. */
function applyEdit(cells: NotebookCell[], request: EditRequest): string | ToolResult {
  const index = request.cell_id === undefined ? -1 : findCell(cells, request.cell_id);
  if (request.cell_id !== undefined && index < 0) return refuse(`NotebookEdit: no cell ${JSON.stringify(request.cell_id)} (the notebook has ${cells.length} cells)`);
  if (request.mode === "delete") {
    cells.splice(index, 1);
    return `deleted cell ${index}`;
  }
  if (request.mode === "insert") {
    cells.splice(index + 1, 0, newCell(request.cell_type ?? "code", request.source ?? ""));
    return `inserted cell ${index + 1}`;
  }
  cells[index] = replacedCell(cells[index] as NotebookCell, request);
  return `replaced cell ${index}`;
}

/** The cell with new source (and type), keeping its id and metadata; a code cell's outputs are cleared. */
function replacedCell(cell: NotebookCell, request: EditRequest): NotebookCell {
  const type = request.cell_type ?? (cell.cell_type === "markdown" ? "markdown" : "code");
  return { ...newCell(type, request.source ?? ""), id: cell.id ?? newCellId(), metadata: cell["metadata"] ?? {} };
}

/** The index of the cell whose `id` is `cellId`, else of the 0-based index `cellId`; -1 when neither. */
function findCell(cells: readonly NotebookCell[], cellId: string): number {
  const byId = cells.findIndex((cell) => cell.id === cellId);
  if (byId >= 0) return byId;
  return /^\d+$/.test(cellId) && Number(cellId) < cells.length ? Number(cellId) : -1;
}

function newCell(type: CellType, source: string): NotebookCell {
  const lines = source.split(/(?<=\n)/);
  const base = { cell_type: type, id: newCellId(), metadata: {}, source: lines };
  return type === "code" ? { ...base, execution_count: null, outputs: [] } : base;
}

function newCellId(): string {
  return randomBytes(4).toString("hex");
}
