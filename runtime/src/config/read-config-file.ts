import { readFileSync } from "node:fs";
import type { ConfigIssue } from "./format-issues.ts";
import { parseYaml } from "./parse-yaml.ts";
import type { Locate } from "./parse-yaml.ts";
import { ConfigFile, FileAgent } from "./schema.ts";
import { zodIssues } from "./zod-issues.ts";

/** A loomcycle.yaml, read and validated. */
export interface ConfigFileResult {
  file: string;
  /** The validated content (defaults applied), or null when it has errors. */
  data: ConfigFile | null;
  /** For each yaml agent, the fields it sets: an overlay replaces exactly these. */
  agentFields: Readonly<Record<string, readonly string[]>>;
  locate: Locate;
}

const KNOWN_KEYS = new Set(Object.keys(ConfigFile.shape));
const AGENT_FIELDS = new Set(Object.keys(FileAgent.shape));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads and validates one loomcycle.yaml. Syntax and schema problems go to `issues` with
 * file:line:col; loomcycle keys this build does not read go to `warnings`.
 */
export function readConfigFile(options: { file: string; issues: ConfigIssue[]; warnings: string[] }): ConfigFileResult {
  const { file, issues } = options;
  const empty: ConfigFileResult = { file, data: null, agentFields: {}, locate: () => ({ line: 1, col: 1 }) };
  const text = readText({ file, issues });
  if (text === null) return empty;
  const parsed = parseYaml({ text, file });
  const result: ConfigFileResult = { ...empty, locate: parsed.locate };
  if (parsed.issues.length > 0) {
    issues.push(...parsed.issues);
    return result;
  }
  const value = parsed.value ?? {};
  if (!isRecord(value)) {
    issues.push({ file, ...parsed.locate([]), message: "expected a mapping of loomcycle keys (agents:, providers:…)" });
    return result;
  }
  options.warnings.push(...unsupportedKeys({ file, value, locate: parsed.locate }));
  const validated = ConfigFile.safeParse(value);
  if (!validated.success) {
    issues.push(...zodIssues(validated.error, { file, locate: parsed.locate }));
    return result;
  }
  return { ...result, data: validated.data, agentFields: agentFieldsOf(value["agents"]) };
}

/** The file's text, or null with an issue when it cannot be read. */
export function readText(options: { file: string; issues: ConfigIssue[] }): string | null {
  try {
    return readFileSync(options.file, "utf8");
  } catch (error) {
    options.issues.push({ file: options.file, message: `cannot read: ${(error as Error).message}` });
    return null;
  }
}

function unsupportedKeys(options: { file: string; value: Record<string, unknown>; locate: Locate }): string[] {
  const { file, value, locate } = options;
  const warnings = Object.keys(value)
    .filter((key) => !KNOWN_KEYS.has(key))
    .map((key) => `${file}: key \`${key}\` is not supported yet and is ignored`);
  const agents = value["agents"];
  if (!isRecord(agents)) return warnings;
  for (const [name, agent] of Object.entries(agents)) {
    if (!isRecord(agent)) continue;
    for (const field of Object.keys(agent).filter((key) => !AGENT_FIELDS.has(key))) {
      const { line, col } = locate(["agents", name, field], { key: true });
      warnings.push(`${file}:${line}:${col}: agents.${name}.${field}: field is not supported yet and is ignored`);
    }
  }
  return warnings;
}

function agentFieldsOf(agents: unknown): Record<string, string[]> {
  if (!isRecord(agents)) return {};
  const fields: Record<string, string[]> = {};
  for (const [name, agent] of Object.entries(agents)) {
    fields[name] = isRecord(agent) ? Object.keys(agent).filter((key) => AGENT_FIELDS.has(key)) : [];
  }
  return fields;
}
