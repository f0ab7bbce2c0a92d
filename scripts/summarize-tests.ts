/**
 * Prints vitest's JSON report as one plain closing line (`N passed, N failed, N skipped`) so any
 * CI reader sees the count, and fails when no test ran at all.
 */
import { readFileSync } from "node:fs";

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const report = JSON.parse(readFileSync(process.argv[2] ?? ".data/test-results.json", "utf8")) as Report;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (report.numPassedTests + report.numFailedTests === 0) {
  console.error("no test ran");
  process.exitCode = 1;
}
