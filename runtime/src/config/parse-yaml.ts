import { LineCounter, isMap, isNode, isScalar, parseDocument } from "yaml";
import type { Document } from "yaml";
import type { ConfigIssue } from "./format-issues.ts";

/** A line and column, both 1-based, in the file the YAML came from. */
export interface Position {
  line: number;
  col: number;
}

/**
 * Maps a path inside the parsed value to where its value is written (with `key: true`, its key);
 * the nearest existing ancestor when the path is absent.
 */
export type Locate = (path: readonly PropertyKey[], options?: { key?: boolean }) => Position;

/** A parsed YAML source: its plain value, syntax issues, and a locator for later (schema) issues. */
export interface ParsedYaml {
  value: unknown;
  issues: ConfigIssue[];
  locate: Locate;
}

/**
 * Parses YAML text keeping positions. `lineOffset` shifts reported lines, for YAML embedded in
 * a larger file (markdown frontmatter starts on the file's second line).
 */
export function parseYaml(options: { text: string; file: string; lineOffset?: number }): ParsedYaml {
  const lineOffset = options.lineOffset ?? 0;
  const lineCounter = new LineCounter();
  const doc = parseDocument(options.text, { lineCounter, prettyErrors: false });
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + lineOffset, col };
  };
  const issues: ConfigIssue[] = doc.errors.map((error) => {
    const { line, col } = toPosition(error.pos[0]);
    return { file: options.file, line, col, message: `YAML syntax error: ${firstLine(error.message)}` };
  });
  const value: unknown = issues.length > 0 ? null : doc.toJS();
  return { value, issues, locate: (path, locateOptions) => toPosition(offsetOf({ doc, path, key: locateOptions?.key === true })) };
}

function offsetOf(options: { doc: Document; path: readonly PropertyKey[]; key: boolean }): number {
  const { doc, path } = options;
  for (let length = path.length; length > 0; length--) {
    const prefix = path.slice(0, length);
    const node: unknown = doc.getIn(prefix, true);
    if (!options.key && isScalar(node) && node.range) return node.range[0];
    const key = keyOffset(doc, prefix);
    if (key !== null) return key;
    if (isNode(node) && node.range) return node.range[0];
  }
  return isNode(doc.contents) && doc.contents.range ? doc.contents.range[0] : 0;
}

/** Where the key of a map entry is written (a collection value often starts on the next line). */
function keyOffset(doc: Document, path: readonly PropertyKey[]): number | null {
  const parent: unknown = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return null;
  const name = String(path.at(-1));
  for (const pair of parent.items) {
    if (isScalar(pair.key) && pair.key.range && String(pair.key.value) === name) return pair.key.range[0];
  }
  return null;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}
