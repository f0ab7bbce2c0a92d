import type { Tool } from "../../tool.ts";
import { editTool } from "./edit-tool.ts";
import { globTool } from "./glob-tool.ts";
import { grepTool } from "./grep-tool.ts";
import { notebookEditTool } from "./notebook-edit-tool.ts";
import { readTool } from "./read-tool.ts";
import { writeTool } from "./write-tool.ts";

/**
 * The file tools (Read, Write, Edit, Grep, Glob, NotebookEdit). Each works inside the volumes
 * the run's policy grants and refuses every call when there are none, so registering them is safe.
 */
export const fsTools: readonly Tool[] = [readTool, writeTool, editTool, grepTool, globTool, notebookEditTool];
export { editTool, globTool, grepTool, notebookEditTool, readTool, writeTool };
