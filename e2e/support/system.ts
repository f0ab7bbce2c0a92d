import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import pg from "pg";
import { freePorts } from "../../controller/test/support/free-port.ts";
import { ensureKubeBinaries } from "../../controller/test/support/kube-binaries.ts";
import { startKubeTestenv } from "../../controller/test/support/kube-testenv.ts";
import type { KubeTestenv } from "../../controller/test/support/kube-testenv.ts";
import type { KubectlResult } from "../../controller/test/support/kubectl.ts";
import { isolatedDatabaseUrl } from "../../runtime/test/support/test-runtime.ts";
import { ControllerProcess, logFileFor } from "./controller-process.ts";
import { KubeClient } from "./kube.ts";
import { startRuntimeProcess } from "./runtime-process.ts";
import type { RuntimeProcess } from "./runtime-process.ts";

export const CRDS_DIR = fileURLToPath(new URL("../../crds/", import.meta.url));
/** LOOMCYCLE_CONTROLLER_NAMESPACE: where the Lease and the webhook cert Secret live. */
export const CONTROLLER_NAMESPACE = "loomcycle-system";
export const LEASE_NAME = "loomcycle-controller";
export const REDIS_URL = process.env["LOOMCYCLE_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
/** Short lease timings so failover takes seconds (production: 15 s / 10 s / 2 s). */
export const LEASE_ENV = { LOOMCYCLE_LEASE_DURATION_MS: "4000", LOOMCYCLE_LEASE_RENEW_DEADLINE_MS: "3000", LOOMCYCLE_LEASE_RETRY_MS: "500" };

export interface SystemOptions {
  /** Controller processes started (and awaited ready) at once; default 1. */
  controllers?: number;
  /** LOOMCYCLE_WEBHOOK_ENABLED for every controller; default false (only the injection story serves it). */
  webhook?: boolean;
  /** More env for every controller. */
  controllerEnv?: Record<string, string>;
  /** Start a runtime (`serve --role=all`, open mode) on the same database; default true. */
  runtime?: boolean;
  /** Runs after the CRDs and the controller namespace exist, before any controller starts. */
  beforeControllers?: (system: E2eSystem) => Promise<void>;
}

/** Everything a story drives: the control plane, the database, a runtime and the controllers. */
export interface E2eSystem {
  kube: KubeTestenv;
  client: KubeClient;
  dir: string;
  databaseUrl: string;
  redisPrefix: string;
  /** The runtime's base URL ("" when none was started). */
  runtimeUrl: string;
  runtime: RuntimeProcess | undefined;
  controllers: ControllerProcess[];
  /** Starts one more controller process (not awaited ready) with a unique id and its own ports. */
  startController(options?: { id?: string; env?: Record<string, string> }): Promise<ControllerProcess>;
  kubectl(args: readonly string[], stdin?: string): Promise<KubectlResult>;
  /** `kubectl apply -f -` of a manifest; stdout + stderr in `output`. */
  apply(manifest: string): Promise<{ code: number | null; output: string }>;
  /** A query against the shared database. */
  sql<T extends Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  /** The tails of every process's log, for a failure. */
  logs(): string;
  dispose(): Promise<void>;
}

/** The apiserver's complaint that a loopback address cannot back the `kubernetes` Service, every 10 s: noise on a test plane. */
const NOISE = "unable to sync kubernetes service";

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8")
      .trimEnd()
      .split("\n")
      .filter((line) => !line.includes(NOISE))
      .slice(-lines)
      .join("\n");
  } catch {
    return "(no log)";
  }
}

async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

async function prepareKube(kube: KubeTestenv): Promise<void> {
  const applied = await kube.kubectl(["apply", "--server-side", "-f", CRDS_DIR]);
  if (applied.code !== 0) throw new Error(`kubectl apply crds/ failed: ${applied.stderr}`);
  const established = await kube.kubectl(["wait", "--for=condition=Established", "--timeout=90s", "-f", CRDS_DIR]);
  if (established.code !== 0) throw new Error(`CRDs not Established: ${established.stderr}`);
  const namespace = await kube.kubectl(["create", "namespace", CONTROLLER_NAMESPACE]);
  if (namespace.code !== 0) throw new Error(`create namespace ${CONTROLLER_NAMESPACE}: ${namespace.stderr}`);
}

/** The environment of one controller process (common.md's names). */
function controllerEnv(system: { kube: KubeTestenv; databaseUrl: string }, settings: { id: string; probePort: number; webhookPort: number; webhook: boolean }): Record<string, string> {
  return {
    KUBECONFIG: system.kube.kubeconfig,
    LOOMCYCLE_DATABASE_URL: system.databaseUrl,
    LOOMCYCLE_CONTROLLER_NAMESPACE: CONTROLLER_NAMESPACE,
    LOOMCYCLE_CONTROLLER_ID: settings.id,
    LOOMCYCLE_LEADER_ELECT: "true",
    LOOMCYCLE_LEASE_NAME: LEASE_NAME,
    ...LEASE_ENV,
    LOOMCYCLE_PROBE_ADDR: `127.0.0.1:${settings.probePort}`,
    LOOMCYCLE_WEBHOOK_ENABLED: String(settings.webhook),
    LOOMCYCLE_WEBHOOK_ADDR: `127.0.0.1:${settings.webhookPort}`,
    LOOMCYCLE_WEBHOOK_HOSTS: "127.0.0.1",
    LOOMCYCLE_LOG_LEVEL: "debug",
  };
}

/**
 * Starts the whole system for one story file: etcd + kube-apiserver with the CRDs Established
 * and the controller namespace, a fresh database, a runtime process on it (Redis queue with its
 * own prefix), then the controllers, each ready (/readyz 200). A failure on the way stops what
 * started and throws with every log tail.
 */
export async function startSystem(options: SystemOptions = {}): Promise<E2eSystem> {
  const dir = await mkdtemp(path.join(tmpdir(), "loomcycle-e2e-"));
  const cleanups: (() => Promise<void>)[] = [async () => rm(dir, { recursive: true, force: true })];
  const controllers: ControllerProcess[] = [];
  const redisPrefix = `lc-e2e-${Math.random().toString(36).slice(2, 10)}`;
  let counter = 0;
  const system = { dir, controllers, redisPrefix, runtimeUrl: "", runtime: undefined } as unknown as E2eSystem;
  const runCleanups = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error("e2e cleanup:", error));
    cleanups.length = 0;
  };
  system.logs = (): string => {
    const parts = controllers.map((controller) => `--- controller ${controller.id} (pid ${controller.pid}, exit ${JSON.stringify(controller.exitStatus)})\n${controller.logTail(80)}`);
    if (system.runtime !== undefined) parts.push(`--- runtime\n${system.runtime.logTail(40)}`);
    if (system.kube !== undefined) parts.push(`--- kube-apiserver\n${tail(path.join(system.kube.dir, "kube-apiserver.log"), 20)}`);
    return parts.join("\n");
  };
  system.dispose = runCleanups;
  try {
    const kube = await startKubeTestenv({ binaries: await ensureKubeBinaries() });
    cleanups.push(() => kube.stop());
    system.kube = kube;
    system.client = new KubeClient(kube.kubeconfig);
    system.kubectl = (args, stdin): Promise<KubectlResult> => kube.kubectl(args, stdin);
    system.apply = async (text: string): Promise<{ code: number | null; output: string }> => {
      const result = await kube.kubectl(["apply", "-f", "-"], text);
      return { code: result.code, output: `${result.stdout}${result.stderr}` };
    };
    await prepareKube(kube);

    const database = await isolatedDatabaseUrl();
    cleanups.push(() => database.dispose());
    system.databaseUrl = database.url;
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    cleanups.push(() => pool.end());
    system.sql = async <T extends Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> => (await pool.query<T>(query, params)).rows;
    cleanups.push(() => deleteRedisPrefix(redisPrefix));

    if (options.runtime !== false) {
      const runtime = await startRuntimeProcess({
        args: ["--role", "all", "--data-dir", path.join(dir, "runtime-data")],
        env: { LOOMCYCLE_DATABASE_URL: database.url, LOOMCYCLE_REDIS_URL: REDIS_URL, LOOMCYCLE_REDIS_PREFIX: redisPrefix },
        logFile: path.join(dir, "runtime.log"),
      });
      cleanups.push(() => runtime.stop("SIGKILL"));
      system.runtime = runtime;
      system.runtimeUrl = runtime.url;
    }

    system.startController = async (start = {}): Promise<ControllerProcess> => {
      counter += 1;
      const id = start.id ?? `e2e-controller-${counter}`;
      const [probePort = 0, webhookPort = 0] = await freePorts(2);
      const env = { ...controllerEnv({ kube, databaseUrl: database.url }, { id, probePort, webhookPort, webhook: options.webhook ?? false }), ...options.controllerEnv, ...start.env };
      const controller = new ControllerProcess({ id, env, logFile: logFileFor(dir, id), probeAddr: `127.0.0.1:${probePort}` });
      controllers.push(controller);
      cleanups.push(async () => {
        await controller.terminate(15_000);
      });
      return controller;
    };
    await options.beforeControllers?.(system);
    const started = await Promise.all(Array.from({ length: options.controllers ?? 1 }, () => system.startController()));
    await Promise.all(started.map((controller) => controller.waitReady()));
    return system;
  } catch (error) {
    const logs = system.logs();
    await runCleanups();
    throw new Error(`e2e system did not start: ${error instanceof Error ? error.message : String(error)}\n${logs}`, { cause: error });
  }
}

/** Prints every log tail when a test of the file fails (call in beforeEach with the test context). */
export function printLogsOnFailure(system: () => E2eSystem | undefined, onTestFailed: (handler: () => void) => void): void {
  onTestFailed(() => {
    const current = system();
    if (current !== undefined) console.error(`e2e logs after the failure:\n${current.logs()}`);
  });
}
