/**
 * Copies the generated CRDs (crds/*.yaml) into the Helm chart (charts/loomcycle/crds/), byte for
 * byte, and removes chart CRDs that no longer exist. With --check it changes nothing and exits 1
 * naming every file that differs (e2e/helm-chart.test.ts checks the same).
 *
 *   npm run sync:chart-crds            # copy
 *   npm run sync:chart-crds -- --check # drift check
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SOURCE_DIR = path.join(ROOT, "crds");
export const CHART_CRD_DIR = path.join(ROOT, "charts", "loomcycle", "crds");

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => name.endsWith(".yaml")).sort();
}

/** The chart files that are missing, stale or extra, as human-readable lines (empty: in sync). */
export function chartCrdDrift(): string[] {
  const source = yamlFiles(SOURCE_DIR);
  const chart = new Set(yamlFiles(CHART_CRD_DIR));
  const problems: string[] = [];
  for (const name of source) {
    if (!chart.has(name)) problems.push(`missing: charts/loomcycle/crds/${name}`);
    else if (!readFileSync(path.join(SOURCE_DIR, name)).equals(readFileSync(path.join(CHART_CRD_DIR, name)))) problems.push(`stale: charts/loomcycle/crds/${name}`);
    chart.delete(name);
  }
  for (const name of chart) problems.push(`extra: charts/loomcycle/crds/${name} (no crds/${name})`);
  return problems;
}

function sync(): void {
  mkdirSync(CHART_CRD_DIR, { recursive: true });
  const source = new Set(yamlFiles(SOURCE_DIR));
  for (const name of source) copyFileSync(path.join(SOURCE_DIR, name), path.join(CHART_CRD_DIR, name));
  for (const name of yamlFiles(CHART_CRD_DIR)) if (!source.has(name)) rmSync(path.join(CHART_CRD_DIR, name));
  console.log(`charts/loomcycle/crds: ${source.size} CRDs copied from crds/`);
}

function main(argv: readonly string[]): number {
  if (!argv.includes("--check")) {
    sync();
    return 0;
  }
  const drift = chartCrdDrift();
  if (drift.length === 0) return 0;
  console.error(`charts/loomcycle/crds is out of date with crds/ (run npm run sync:chart-crds):\n  ${drift.join("\n  ")}`);
  return 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
