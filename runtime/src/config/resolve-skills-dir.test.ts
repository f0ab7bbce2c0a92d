import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAppError } from "../domain/index.ts";
import { loadConfig } from "./load.ts";

let root: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "lc-skills-config-")));
  mkdirSync(join(root, "home"));
  mkdirSync(join(root, "etc", "skills"), { recursive: true });
  mkdirSync(join(root, "other"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function load(env: Record<string, string> = {}, yaml?: string): ReturnType<typeof loadConfig> {
  const flags = yaml === undefined ? {} : { config: join(root, "etc", "loomcycle.yaml") };
  if (yaml !== undefined) writeFileSync(join(root, "etc", "loomcycle.yaml"), yaml);
  return loadConfig({ cwd: root, env: { HOME: join(root, "home"), ...env }, flags });
}

function loadMessage(env: Record<string, string>, yaml?: string): string {
  try {
    load(env, yaml);
  } catch (error) {
    expect(isAppError(error, "CONFIG_INVALID")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("loadConfig did not throw");
}

describe("skills directory", () => {
  it("is null (no skills) unless configured", () => {
    expect(load().skillsDir).toBeNull();
  });

  it("reads skills_dir relative to the config file, as a real path", () => {
    symlinkSync(join(root, "etc", "skills"), join(root, "etc", "linked"));
    expect(load({}, "skills_dir: ./linked\n").skillsDir).toBe(join(root, "etc", "skills"));
  });

  it("lets LOOMCYCLE_SKILLS_DIR (or LOOMCYCLE_SKILLS_ROOT) win, relative to the working directory", () => {
    expect(load({ LOOMCYCLE_SKILLS_DIR: "other" }, "skills_dir: ./skills\n").skillsDir).toBe(join(root, "other"));
    expect(load({ LOOMCYCLE_SKILLS_ROOT: "other" }).skillsDir).toBe(join(root, "other"));
  });

  it("is a config error naming the setting when the directory does not exist", () => {
    expect(loadMessage({}, "skills_dir: ./missing\n")).toContain('skills_dir: expected an existing directory, got "./missing"');
    writeFileSync(join(root, "a-file"), "x");
    expect(loadMessage({ LOOMCYCLE_SKILLS_DIR: "a-file" })).toContain('LOOMCYCLE_SKILLS_DIR: expected an existing directory, got "a-file"');
  });
});
