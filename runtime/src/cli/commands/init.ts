import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { AUTH_ENV_FILE, defaultConfigPath, formatAuthEnv } from "../../config/index.ts";
import { EXIT_FAILURE, EXIT_OK } from "../types.ts";
import type { Command, CommandInput } from "../types.ts";
import { CONFIG_TEMPLATE, DEFAULT_AGENT_TEMPLATE } from "./init-templates.ts";

/** A file init writes; `mode` restricts who may read it (auth.env: the owner only). */
interface InitFile {
  path: string;
  text: string;
  mode?: number;
}

function filesFor(dir: string, withToken: boolean): InitFile[] {
  const files: InitFile[] = [
    { path: join(dir, "loomcycle.yaml"), text: CONFIG_TEMPLATE },
    { path: join(dir, "agents", "default.md"), text: DEFAULT_AGENT_TEMPLATE },
  ];
  if (withToken) files.push({ path: join(dir, AUTH_ENV_FILE), text: formatAuthEnv(`lcs_${randomBytes(32).toString("base64url")}`), mode: 0o600 });
  return files;
}

async function writeInitFile(file: InitFile): Promise<void> {
  await mkdir(dirname(file.path), { recursive: true });
  await writeFile(file.path, file.text, file.mode === undefined ? {} : { mode: file.mode });
  // writeFile's mode applies only to a new file: --force over an existing one must tighten it too.
  if (file.mode !== undefined) await chmod(file.path, file.mode);
}

async function init(input: CommandInput): Promise<number> {
  const { deps, values } = input;
  const defaultDir = dirname(defaultConfigPath(deps.env));
  const cwd = deps.cwd ?? process.cwd();
  const dir = typeof values["path"] === "string" ? resolve(cwd, values["path"]) : defaultDir;
  const files = filesFor(dir, values["with-token"] === true);
  const existing = values["force"] === true ? [] : files.filter((file) => existsSync(file.path));
  if (existing.length > 0) {
    const names = existing.map((file) => file.path).join(", ");
    deps.stderr(`loomcycle init: ✗ ${names} already exist${existing.length === 1 ? "s" : ""}; nothing written. Pass --force to overwrite.\n`);
    return EXIT_FAILURE;
  }
  for (const file of files) {
    await writeInitFile(file);
    deps.stdout(`wrote ${file.path}${file.mode === undefined ? "" : " (mode 0600: a new LOOMCYCLE_AUTH_TOKEN, which serve and doctor load)"}\n`);
  }
  deps.stdout(nextSteps({ dir, discovered: dir === defaultDir || dir === cwd, withToken: values["with-token"] === true }));
  return EXIT_OK;
}

function nextSteps(options: { dir: string; discovered: boolean; withToken: boolean }): string {
  const serve = options.discovered ? "loomcycle serve" : `loomcycle serve --config ${join(options.dir, "loomcycle.yaml")}`;
  const next = `\nnext: ${serve}   (then: loomcycle run default "hello"; check the setup with loomcycle doctor)\n`;
  return options.withToken ? `${next}clients send it as Authorization: Bearer <LOOMCYCLE_AUTH_TOKEN from ${join(options.dir, AUTH_ENV_FILE)}>\n` : next;
}

/** `loomcycle init`: writes a starter loomcycle.yaml and agents/default.md (and with --with-token a 0600 auth.env), never overwriting without --force. */
export const initCommand: Command = {
  name: "init",
  summary: "Write a starter loomcycle.yaml and agents/default.md (--with-token: also an auth.env holding a new token)",
  synopsis: "init [flags]",
  flags: {
    path: { type: "string", value: "<dir>", description: "directory to write into (default $XDG_CONFIG_HOME/loomcycle or ~/.config/loomcycle)" },
    force: { type: "boolean", description: "overwrite files that already exist" },
    "with-token": { type: "boolean", description: "also mint a random LOOMCYCLE_AUTH_TOKEN into auth.env (mode 0600), which serve and doctor load" },
  },
  positionals: { min: 0, max: 0 },
  run: init,
};
