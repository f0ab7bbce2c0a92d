import type { Config } from "../../src/config/index.ts";
import type { CliDeps, StartedRuntime } from "../../src/cli/index.ts";

/** CliDeps for tests: output captured in `out`/`err`, the runtime and store faked unless overridden. */
export interface FakeCliDeps extends CliDeps {
  out: () => string;
  err: () => string;
  /** The configs startRuntime was called with, in order. */
  started: Config[];
  /** How many started runtimes were closed. */
  closed: () => number;
}

/** Builds FakeCliDeps around an environment (pass HOME, and a cwd, so no real config is read). */
export function fakeCliDeps(overrides: Partial<CliDeps> & { env: CliDeps["env"] }): FakeCliDeps {
  let out = "";
  let err = "";
  let closed = 0;
  const started: Config[] = [];
  const runtime: StartedRuntime = {
    url: "http://127.0.0.1:1",
    close: () => {
      closed++;
      return Promise.resolve();
    },
  };
  return {
    stdout: (text) => (out += text),
    stderr: (text) => (err += text),
    color: false,
    startRuntime: (config) => {
      started.push(config);
      return Promise.resolve(runtime);
    },
    probeStore: () => Promise.resolve({ description: "fake store", close: () => Promise.resolve() }),
    waitForShutdown: () => Promise.resolve(),
    ...overrides,
    out: () => out,
    err: () => err,
    started,
    closed: () => closed,
  };
}
