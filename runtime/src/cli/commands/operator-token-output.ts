import type { CliDeps } from "../types.ts";

type Json = Record<string, unknown>;

function describe(token: Json): string {
  const scopes = Array.isArray(token["scopes"]) ? token["scopes"].join(",") : "";
  return `${String(token["name"])}  ${String(token["def_id"])}  tenant=${String(token["tenant_id"])}  subject=${String(token["subject"])}  scopes=${scopes}  ${String(token["status"])}`;
}

function printIssued(deps: CliDeps, json: Json): void {
  deps.stdout(`${describe(json)}\n`);
  if (typeof json["token"] === "string") {
    deps.stdout(`\ntoken (shown once; store it now):\n${json["token"]}\n`);
  } else {
    deps.stdout("imported LOOMCYCLE_AUTH_TOKEN: clients keep sending the same token (only its salted hash is stored)\n");
  }
}

/** Prints the answer of an operator-token action readably (or as JSON with --json). */
export function printTokenResult(options: { deps: CliDeps; action: string; json: Json; raw: boolean }): void {
  const { deps, json } = options;
  if (options.raw) {
    deps.stdout(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  if (options.action === "create" || options.action === "rotate") return printIssued(deps, json);
  const rows = (json["tokens"] ?? json["retired"] ?? [json]) as Json[];
  if (rows.length === 0) deps.stdout("no tokens\n");
  for (const row of rows) deps.stdout(`${options.action === "retire" ? "retired " : ""}${describe(row)}\n`);
}
