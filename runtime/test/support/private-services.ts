import { spawn, execFile } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { readdirSync } from "node:fs";
import { Redis } from "ioredis";

const run = promisify(execFile);

/**
 * Private Postgres and Redis servers for tests that stop and restart them (chaos tests): the
 * shared servers on :5432 and :6379 serve every other test file, so they are never touched.
 */

/** A free TCP port on 127.0.0.1 (bound once and released, so a server can take it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** The newest installed PostgreSQL's bin directory (Debian layout), or null when none is installed. */
export function postgresBinDir(): string | null {
  try {
    const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
    return versions[0] === undefined ? null : `/usr/lib/postgresql/${versions[0]}/bin`;
  } catch {
    return null;
  }
}

/** initdb and postgres refuse to run as root: as root they run as the `postgres` system user. */
function asPostgresUser(binary: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
}

async function pgTool(bin: string, tool: string, args: string[]): Promise<void> {
  const [command, argv] = asPostgresUser(join(bin, tool), args);
  await run(command, argv, { timeout: 30_000 });
}

/** A private Postgres cluster (trust auth, fsync off) in a temp dir. */
export interface PrivatePostgres {
  url: string;
  port: number;
  /** Stops the server (`pg_ctl stop -m fast`: sessions are cut, transactions roll back). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it, keeps it down for `downMs`, and starts it again on the same port and data. */
  restart(downMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

/** initdb + pg_ctl start on a free port; throws when PostgreSQL is not installed. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin)");
  const dir = await mkdtemp(join(tmpdir(), "lc-private-pg-"));
  if (process.getuid?.() === 0) await chown(dir, ...(await postgresIds()));
  const data = join(dir, "data");
  const port = await freePort();
  await pgTool(bin, "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = (): Promise<void> => pgTool(bin, "pg_ctl", ["-D", data, "-w", "-l", join(dir, "log"), "-o", options, "start"]);
  const stop = (): Promise<void> => pgTool(bin, "pg_ctl", ["-D", data, "-w", "-m", "fast", "stop"]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    restart: async (downMs = 0) => {
      await stop();
      await sleep(downMs);
      await start();
    },
    dispose: async () => {
      await pgTool(bin, "pg_ctl", ["-D", data, "-w", "-m", "immediate", "stop"]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run("id", ["-u", "postgres"]);
  const { stdout: group } = await run("id", ["-g", "postgres"]);
  return [Number(stdout.trim()), Number(group.trim())];
}

/** A private Redis without persistence: a restart empties it (the BullMQ queue is lost). */
export interface PrivateRedis {
  url: string;
  port: number;
  /** kill -9: every connection drops and every key is gone. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Kills it, keeps it down for `downMs`, and starts it again, empty, on the same port. */
  restart(downMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

/** redis-server on a free port with `--save "" --appendonly no`; throws when it is not installed. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitForRedis(url);
  };
  const kill = async (): Promise<void> => {
    const current = child;
    child = null;
    if (current === null || current.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      current.once("exit", () => resolve());
      current.kill("SIGKILL");
    });
  };
  await start();
  return {
    url,
    port,
    start,
    kill,
    restart: async (downMs = 0) => {
      await kill();
      await sleep(downMs);
      await start();
    },
    dispose: kill,
  };
}

async function waitForRedis(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    await sleep(50);
  }
  throw new Error(`redis on ${url} did not come up`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
