import { AppError } from "../../domain/index.ts";
import { bearerFrom, withAuthEnvFile } from "../auth-env.ts";
import { configFlags, loadCliConfig } from "../config-flags.ts";
import { isConnectionRefused } from "../stream-run.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../types.ts";
import type { CliDeps, Command, CommandInput } from "../types.ts";
import { printTokenResult } from "./operator-token-output.ts";

const ACTIONS = ["create", "list", "rotate", "retire", "get"] as const;
type Action = (typeof ACTIONS)[number];

function stringFlag(values: CommandInput["values"], name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

function usage(message: string): AppError {
  return new AppError("INVALID_ARGUMENT", `operator-token: ${message}. Run \`loomcycle operator-token --help\` for its usage.`);
}

function parseAction(word: string | undefined): Action {
  const action = ACTIONS.find((candidate) => candidate === word);
  if (action === undefined) throw usage(`unknown action ${JSON.stringify(word ?? "")} (actions: ${ACTIONS.join(", ")})`);
  return action;
}

/** `--name` or `--def-id`, as the op's target. */
function refFields(values: CommandInput["values"], action: Action): Record<string, string> {
  const defId = stringFlag(values, "def-id");
  const name = stringFlag(values, "name");
  if (defId !== undefined) return { def_id: defId };
  if (name !== undefined) return { name };
  throw usage(`${action} needs --name or --def-id`);
}

function createFields(values: CommandInput["values"], env: CliDeps["env"]): Record<string, unknown> {
  const name = stringFlag(values, "name");
  if (name === undefined) throw usage("create needs --name");
  const scopes = stringFlag(values, "scopes");
  const body: Record<string, unknown> = { name };
  if (stringFlag(values, "tenant") !== undefined) body["tenant_id"] = stringFlag(values, "tenant");
  if (stringFlag(values, "subject") !== undefined) body["subject"] = stringFlag(values, "subject");
  if (scopes !== undefined) body["scopes"] = scopes.split(",").map((scope) => scope.trim()).filter(Boolean);
  if (values["copy-from-env"] === true) {
    const current = bearerFrom(env);
    if (current === undefined) throw usage("--copy-from-env imports LOOMCYCLE_AUTH_TOKEN, which is not set (in the environment or auth.env)");
    body["import_token"] = current;
  }
  return body;
}

function graceField(values: CommandInput["values"]): Record<string, number> {
  const grace = stringFlag(values, "grace-seconds");
  if (grace === undefined) return {};
  if (!/^\d+$/.test(grace)) throw usage(`--grace-seconds: expected a whole number of seconds, got ${JSON.stringify(grace)}`);
  return { grace_seconds: Number(grace) };
}

/** The POST /v1/_operatortokendef body for an action and its flags. */
export function requestBody(action: Action, values: CommandInput["values"], env: CliDeps["env"]): Record<string, unknown> {
  if (action === "create") return { op: "create", ...createFields(values, env) };
  if (action === "rotate") return { op: "rotate", ...refFields(values, action), ...graceField(values) };
  if (action === "list") {
    const name = stringFlag(values, "name");
    const tenant = stringFlag(values, "tenant");
    return { op: "list", ...(name === undefined ? {} : { name }), ...(tenant === undefined ? {} : { tenant_id: tenant }) };
  }
  return { op: action, ...refFields(values, action) };
}

/** The running instance: --target, else the configured base URL (LOOMCYCLE_BASE_URL or the listen address). */
function targetOf(input: CommandInput): string | null {
  const target = stringFlag(input.values, "target");
  if (target !== undefined) return target.replace(/\/+$/, "");
  return loadCliConfig({ deps: input.deps, flags: configFlags({ config: input.values["config"] }) })?.baseUrl ?? null;
}

async function post(options: { target: string; token: string | undefined; body: unknown }): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${options.target}/v1/_operatortokendef`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }) },
    body: JSON.stringify(options.body),
  });
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status: response.status, json: { code: "bad_response", error: text.slice(0, 200) } };
  }
}

function unreachable(target: string, error: unknown): string {
  if (isConnectionRefused(error)) return `no loomcycle at ${target} (connection refused): start one with loomcycle serve, or pass --target <url>`;
  const cause = (error as { cause?: { message?: unknown } }).cause?.message;
  return `cannot reach ${target}: ${typeof cause === "string" ? cause : String(error)} (check --target)`;
}

/** The fix for a refusal the user can act on. */
const HINTS: Readonly<Record<number, string>> = {
  401: "set LOOMCYCLE_AUTH_TOKEN (environment or auth.env) to an admin token of that instance",
  403: "this token lacks substrate:admin: use an admin token (LOOMCYCLE_AUTH_TOKEN)",
};

async function operatorToken(given: CommandInput): Promise<number> {
  const input = { ...given, deps: withAuthEnvFile(given.deps, given.values).deps };
  const { deps } = input;
  const action = parseAction(input.positionals[0]);
  const body = requestBody(action, input.values, deps.env);
  const target = targetOf(input);
  if (target === null) return EXIT_USAGE;
  let answer: Awaited<ReturnType<typeof post>>;
  try {
    answer = await post({ target, token: bearerFrom(deps.env), body });
  } catch (error) {
    deps.stderr(`loomcycle operator-token: ✗ ${unreachable(target, error)}\n`);
    return EXIT_FAILURE;
  }
  if (answer.status >= 400) {
    deps.stderr(`loomcycle operator-token: ✗ ${String(answer.json["code"])}: ${String(answer.json["error"])}\n`);
    if (HINTS[answer.status] !== undefined) deps.stderr(`    fix: ${HINTS[answer.status]}\n`);
    return answer.status === 400 ? EXIT_USAGE : EXIT_FAILURE;
  }
  printTokenResult({ deps, action, json: answer.json, raw: input.values["json"] === true });
  return EXIT_OK;
}

/** `loomcycle operator-token create|list|rotate|retire|get`: manages per-principal tokens on a running instance. */
export const operatorTokenCommand: Command = {
  name: "operator-token",
  summary: "Create, list, rotate, retire or show operator tokens on a running instance (POST /v1/_operatortokendef)",
  synopsis: "operator-token <create|list|rotate|retire|get> [flags]",
  details: [
    "Talks to --target (default: the configured instance) with the admin bearer LOOMCYCLE_AUTH_TOKEN (environment or auth.env).",
    "create and rotate print the new token once; it is never shown again. The first admin token turns the shared LOOMCYCLE_AUTH_TOKEN off:",
    "create it with --copy-from-env to keep clients that send the shared token working (only its salted hash is stored).",
    "Examples: loomcycle operator-token create --name ci --tenant acme --subject ci-bot --scopes runs:create,runs:read",
    "          loomcycle operator-token create --name admin --copy-from-env",
  ].join("\n"),
  flags: {
    target: { type: "string", value: "<url>", description: "instance to talk to (default LOOMCYCLE_BASE_URL, else the configured listen address)" },
    name: { type: "string", value: "<name>", description: "token name (create; or which token for rotate/retire/get; filter for list)" },
    "def-id": { type: "string", value: "<id>", description: "one token version (rotate/retire/get)" },
    tenant: { type: "string", value: "<id>", description: "tenant the token is bound to (create; default: the caller's) or filter (list)" },
    subject: { type: "string", value: "<id>", description: "subject (user) the token is bound to (create; default tok-<name>)" },
    scopes: { type: "string", value: "<a,b>", description: "comma-separated scopes (create; default substrate:admin)" },
    "copy-from-env": { type: "boolean", description: "create: store the current LOOMCYCLE_AUTH_TOKEN as this token's secret instead of minting one" },
    "grace-seconds": { type: "string", value: "<n>", description: "rotate: how long the old token keeps working (default: the server's)" },
    json: { type: "boolean", description: "print the server's JSON answer" },
    config: { type: "string", value: "<file>", description: "loomcycle.yaml to read (for the default target and auth.env)" },
  },
  positionals: { min: 1, max: 1 },
  run: operatorToken,
};
