/**
 * `npm run bench`: end-to-end throughput and latency of mock-provider runs through a real
 * server process, on PGlite and on Postgres, at several concurrency levels. Writes
 * docs/BENCHMARKS.md and docs/benchmarks.json.
 *
 * Then the cluster section (cluster-bench.ts): api and worker processes over Postgres + Redis.
 *
 * Then the controller section (controller-bench.ts): apply→Ready latency and 1,000 Agents
 * reconciled, on a real kube-apiserver + etcd with one controller process.
 *
 * Flags: --quick (fewer runs, for a smoke check), --levels 1,32,256, --stores pglite,postgres,
 * --only stores|cluster|controller (measure one section; the report keeps the others as they were),
 * --cluster-levels 32,256
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { drive, percentile } from "./load.ts";
import { startServer } from "../test/support/server-process.ts";
import type { ServerProcess } from "../test/support/server-process.ts";
import { benchCluster } from "./cluster-bench.ts";
import type { ClusterResult } from "./cluster-bench.ts";
import { benchController } from "./controller-bench.ts";
import type { ControllerBenchResult } from "./controller-bench.ts";
import { machineInfo, writeReport } from "./report.ts";
import type { LevelResult, StoreResult } from "./report.ts";

const ADMIN_URL = process.env["LOOMCYCLE_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres";
const BENCH_DB = "loomcycle_bench";

/** Three tool iterations of two Context calls each, then a final text turn. */
const SCRIPT = [
  { tools: [{ tool: "Context", input: { op: "self" } }, { tool: "Context", input: { op: "self" } }] },
  { tools: [{ tool: "Context", input: { op: "self" } }, { tool: "Context", input: { op: "self" } }] },
  { tools: [{ tool: "Context", input: { op: "self" } }, { tool: "Context", input: { op: "self" } }] },
  { text: "All three lookups are done; here is the answer." },
];

const AGENT_MD = `---
name: bench
description: benchmark agent (mock-tools script)
provider: mock
model: mock-tools
tools: Context
---
You are a benchmark agent.
`;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    levels: { type: "string", default: "1,32,256" },
    stores: { type: "string", default: "pglite,postgres" },
    only: { type: "string" },
    "cluster-levels": { type: "string", default: "32,256" },
  },
});
const SECTIONS = ["stores", "cluster", "controller"];
if (values.only !== undefined && !SECTIONS.includes(values.only)) throw new Error(`--only: expected one of ${SECTIONS.join(", ")}`);
/** Whether this run measures `section` (all of them without --only). */
const measures = (section: string): boolean => values.only === undefined || values.only === section;
const levels = values.levels.split(",").map(Number);
const stores = values.stores.split(",") as ("pglite" | "postgres")[];

function runsFor(concurrency: number): number {
  if (values.quick) return Math.max(20, concurrency * 2);
  return concurrency === 1 ? 200 : Math.max(1000, concurrency * 8);
}

async function resetBenchDatabase(): Promise<string> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(`drop database if exists ${BENCH_DB} with (force)`);
  await client.query(`create database ${BENCH_DB}`);
  await client.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${BENCH_DB}`;
  return url.toString();
}

async function measureLevel(server: ServerProcess, concurrency: number): Promise<LevelResult> {
  const body = { agent: "bench", prompt: "benchmark", metadata: { mock_script: SCRIPT } };
  const { timings, wallMs } = await drive({ url: server.url, body, concurrency, total: runsFor(concurrency) });
  const ok = timings.filter((timing) => timing.ok);
  return {
    concurrency,
    runs: timings.length,
    failed: timings.length - ok.length,
    runsPerSecond: (ok.length / wallMs) * 1000,
    firstEventMs: { p50: percentile(ok.map((t) => t.firstEventMs), 50), p99: percentile(ok.map((t) => t.firstEventMs), 99) },
    endToEndMs: { p50: percentile(ok.map((t) => t.endMs), 50), p99: percentile(ok.map((t) => t.endMs), 99) },
  };
}

async function benchStore(store: "pglite" | "postgres", agentsDir: string): Promise<StoreResult> {
  const dataDir = await mkdtemp(join(tmpdir(), "lc-bench-data-"));
  const env: Record<string, string> = store === "postgres" ? { LOOMCYCLE_DATABASE_URL: await resetBenchDatabase() } : {};
  const server = await startServer({ args: ["--data-dir", dataDir, "--agents-dir", agentsDir], env });
  try {
    await drive({ url: server.url, body: { agent: "bench", prompt: "warm up", metadata: { mock_script: SCRIPT } }, concurrency: 8, total: 40 });
    const results: LevelResult[] = [];
    for (const concurrency of levels) {
      const result = await measureLevel(server, concurrency);
      console.log(`${store} c=${concurrency}: ${result.runsPerSecond.toFixed(1)} runs/s, e2e p50 ${result.endToEndMs.p50.toFixed(1)} ms p99 ${result.endToEndMs.p99.toFixed(1)} ms, failed ${result.failed}`);
      results.push(result);
    }
    return { store, levels: results, peakRssBytes: await server.peakRss() };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function benchStores(): Promise<StoreResult[]> {
  const agentsDir = await mkdtemp(join(tmpdir(), "lc-bench-agents-"));
  await writeFile(join(agentsDir, "bench.md"), AGENT_MD);
  const results: StoreResult[] = [];
  for (const store of stores) results.push(await benchStore(store, agentsDir));
  await rm(agentsDir, { recursive: true, force: true });
  return results;
}

const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const results = measures("stores") ? await benchStores() : undefined;
let cluster: ClusterResult | undefined;
if (measures("cluster")) {
  cluster = await benchCluster({ quick: values.quick, levels: values["cluster-levels"].split(",").map(Number), script: SCRIPT, command });
}
const controller: ControllerBenchResult | undefined = measures("controller") ? await benchController({ quick: values.quick, command }) : undefined;
await writeReport({ ...(results ? { results } : {}), ...(cluster ? { cluster } : {}), ...(controller ? { controller } : {}), machine: await machineInfo(ADMIN_URL), command, script: SCRIPT });
console.log("wrote docs/BENCHMARKS.md and docs/benchmarks.json");
