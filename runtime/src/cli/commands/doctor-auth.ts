import { isLoopbackHost } from "../../config/index.ts";
import type { AuthEnvLoad, Config } from "../../config/index.ts";
import type { CheckResult } from "./doctor-report.ts";

const FIX_TOKEN = "run `loomcycle init --with-token` (writes auth.env, which serve loads) or set LOOMCYCLE_AUTH_TOKEN";

/**
 * The auth check: where the shared token comes from, whether auth.env is private, and whether
 * serve would start in open mode (refused off loopback unless the store holds operator tokens).
 */
export function checkAuth(config: Config, load: AuthEnvLoad): CheckResult[] {
  const results: CheckResult[] = [];
  if (load.file !== null && load.exposed) {
    results.push({ status: "fail", label: "auth", text: `${load.file} is readable by other users`, fix: `chmod 600 ${load.file}` });
  }
  if (config.auth?.token) {
    const from = load.fromFile.includes("LOOMCYCLE_AUTH_TOKEN") ? load.file : "the environment";
    results.push({ status: "ok", label: "auth", text: `LOOMCYCLE_AUTH_TOKEN set (from ${from}); it is ignored once an admin operator token exists` });
    return results;
  }
  const host = config.listen.host;
  if (isLoopbackHost(host)) {
    results.push({ status: "warn", label: "auth", text: `no LOOMCYCLE_AUTH_TOKEN: open mode on ${host} (every local caller is an admin) unless operator tokens exist`, fix: FIX_TOKEN });
  } else {
    results.push({ status: "warn", label: "auth", text: `no LOOMCYCLE_AUTH_TOKEN and ${host} is not loopback: serve refuses to start unless operator tokens exist in the store`, fix: FIX_TOKEN });
  }
  return results;
}
