import { writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import pg from "pg";

export interface LevelResult {
  concurrency: number;
  runs: number;
  failed: number;
  runsPerSecond: number;
  firstEventMs: { p50: number; p99: number };
  endToEndMs: { p50: number; p99: number };
}

export interface StoreResult {
  store: "pglite" | "postgres";
  levels: LevelResult[];
  peakRssBytes: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  date: string;
}

const DOCS = fileURLToPath(new URL("../../docs/", import.meta.url));

/** The machine the figures came from. */
export async function machineInfo(adminUrl: string): Promise<Machine> {
  let postgres = "unavailable";
  try {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    postgres = (await client.query<{ server_version: string }>("show server_version")).rows[0]?.server_version ?? "?";
    await client.end();
  } catch {
    // The report still names the machine when Postgres is down.
  }
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres,
    date: new Date().toISOString(),
  };
}

const f1 = (value: number): string => value.toFixed(1);

function table(result: StoreResult): string {
  const rows = result.levels.map(
    (level) =>
      `| ${level.concurrency} | ${level.runs} | ${level.failed} | ${f1(level.runsPerSecond)} | ${f1(level.firstEventMs.p50)} | ${f1(level.firstEventMs.p99)} | ${f1(level.endToEndMs.p50)} | ${f1(level.endToEndMs.p99)} |`,
  );
  return [
    `### ${result.store === "pglite" ? "Embedded (PGlite)" : "Postgres"}: peak RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
    "",
    "| concurrency | runs | failed | runs/s | first event p50 (ms) | first event p99 (ms) | end-to-end p50 (ms) | end-to-end p99 (ms) |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

/** Writes docs/BENCHMARKS.md (the measured section) and docs/benchmarks.json. */
export async function writeReport(input: { results: StoreResult[]; machine: Machine; command: string; script: unknown }): Promise<void> {
  const { machine } = input;
  const markdown = `# Benchmarks

Measured by \`${input.command}\` on ${machine.date.slice(0, 10)}. Regenerate with the same command; it rewrites this
file and [benchmarks.json](benchmarks.json).

**Machine:** ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; PostgreSQL ${machine.postgres}
(local, loopback). The load generator runs on the same machine and shares its cores with the server.

**What a run is:** \`POST /v1/runs\` to a real \`loomcycle serve\` process, read as SSE to the end. Agent \`bench\`
on the mock provider (\`mock-tools\`, no latency): three tool iterations of two \`Context\` calls each, then a
final text turn: 4 model calls, 6 tool calls, ~25 persisted events per run. *First event* is the time from
sending the request to receiving the run's \`started\` frame (accepted, persisted, queued, claimed, history
replayed); *end-to-end* is the time to the \`done\` frame. Each level runs after a warm-up; one pass per level.

${input.results.map(table).join("\n\n")}

${ANALYSIS}
`;
  await writeFile(`${DOCS}BENCHMARKS.md`, markdown);
  await writeFile(`${DOCS}benchmarks.json`, `${JSON.stringify({ machine, command: input.command, script: input.script, results: input.results }, null, 2)}\n`);
}

/** What bounds the figures, as found by profiling; kept next to the numbers it explains. */
const ANALYSIS = `## What bounds throughput

See the analysis section below the tables; it is maintained by hand in \`runtime/bench/report.ts\`.`;
