import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { defaultConfigPath } from "../../config/index.ts";
import { EXIT_FAILURE, EXIT_OK } from "../types.ts";
import type { Command, CommandInput } from "../types.ts";
import { CONFIG_TEMPLATE, DEFAULT_AGENT_TEMPLATE } from "./init-templates.ts";

async function init(input: CommandInput): Promise<number> {
  const { deps, values } = input;
  const defaultDir = dirname(defaultConfigPath(deps.env));
  const cwd = deps.cwd ?? process.cwd();
  const dir = typeof values["path"] === "string" ? resolve(cwd, values["path"]) : defaultDir;
  const files = [
    { path: join(dir, "loomcycle.yaml"), text: CONFIG_TEMPLATE },
    { path: join(dir, "agents", "default.md"), text: DEFAULT_AGENT_TEMPLATE },
  ];
  const existing = values["force"] === true ? [] : files.filter((file) => existsSync(file.path));
  if (existing.length > 0) {
    const names = existing.map((file) => file.path).join(", ");
    deps.stderr(`loomcycle init: ✗ ${names} already exist${existing.length === 1 ? "s" : ""}; nothing written. Pass --force to overwrite.\n`);
    return EXIT_FAILURE;
  }
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.text);
    deps.stdout(`wrote ${file.path}\n`);
  }
  const discovered = dir === defaultDir || dir === cwd;
  const serve = discovered ? "loomcycle serve" : `loomcycle serve --config ${join(dir, "loomcycle.yaml")}`;
  deps.stdout(`\nnext: ${serve}   (then: loomcycle run default "hello"; check the setup with loomcycle doctor)\n`);
  return EXIT_OK;
}

/** `loomcycle init`: writes a starter loomcycle.yaml and agents/default.md, never overwriting without --force. */
export const initCommand: Command = {
  name: "init",
  summary: "Write a starter loomcycle.yaml and agents/default.md",
  synopsis: "init [flags]",
  flags: {
    path: { type: "string", value: "<dir>", description: "directory to write into (default $XDG_CONFIG_HOME/loomcycle or ~/.config/loomcycle)" },
    force: { type: "boolean", description: "overwrite files that already exist" },
  },
  positionals: { min: 0, max: 0 },
  run: init,
};
