import { CONFIG_FLAGS, configFlags } from "../config-flags.ts";
import type { Command, CommandInput } from "../types.ts";
import { checkAgents, checkConfig, checkListen, checkProviderKeys, checkStore } from "./doctor-checks.ts";
import { DoctorReport } from "./doctor-report.ts";
import { checkAuth } from "./doctor-auth.ts";
import { withAuthEnvFile } from "../auth-env.ts";

async function doctor(input: CommandInput): Promise<number> {
  const { deps, load } = withAuthEnvFile(input.deps, input.values);
  const report = new DoctorReport(deps);
  const { config, results } = checkConfig({ deps, flags: configFlags(input.values) });
  for (const result of results) report.add(result);
  if (config === null) return report.finish();
  report.add(checkAgents(config));
  report.add(await checkStore({ deps, config }));
  for (const result of checkProviderKeys(config)) report.add(result);
  report.add(await checkListen(config));
  for (const result of checkAuth(config, load)) report.add(result);
  return report.finish();
}

/** `loomcycle doctor`: checks config, agents, store, provider keys and listen address, printing the fix for each problem. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "Check config, agents, store, provider keys, listen address and auth; print the fix for each problem",
  synopsis: "doctor [flags]",
  details: "Each line is ✓ (fine), ! (worth knowing) or ✗ (must be fixed). Exits 1 if any check is ✗.",
  flags: CONFIG_FLAGS,
  positionals: { min: 0, max: 0 },
  run: doctor,
};
