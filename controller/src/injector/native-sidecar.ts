import { VersionApi } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import type { NativeSidecarMode } from "../config/injector-config.ts";
import type { ControllerLogger } from "../reconcile/types.ts";
import { describeError } from "./kube-errors.ts";

/** SidecarContainers is on by default from 1.29 (beta) and GA in 1.33. */
const FIRST_NATIVE_MINOR = 29;

/** Whether a server version (`major`, `minor` as /version reports them, e.g. "1", "35+") runs native sidecars. */
export function supportsNativeSidecars(version: { major: string; minor: string }): boolean {
  const major = Number.parseInt(version.major, 10);
  const minor = Number.parseInt(version.minor, 10);
  if (Number.isNaN(major) || Number.isNaN(minor)) return false;
  return major > 1 || (major === 1 && minor >= FIRST_NATIVE_MINOR);
}

/**
 * Native sidecars or a regular container: forced by LOOMCYCLE_SIDECAR_NATIVE, else decided once
 * from the apiserver's /version. If /version cannot be read, a regular container is the safe
 * choice (an old server would run a native sidecar as an init container that never finishes).
 */
export async function detectNativeSidecars(kubeConfig: KubeConfig, mode: NativeSidecarMode, log: ControllerLogger): Promise<boolean> {
  if (mode !== "auto") return mode === "true";
  try {
    const version = await kubeConfig.makeApiClient(VersionApi).getCode();
    const native = supportsNativeSidecars(version);
    log.info({ serverVersion: version.gitVersion, nativeSidecar: native }, "sidecar mode chosen from the apiserver version");
    return native;
  } catch (error) {
    log.warn({ err: describeError(error) }, "could not read the apiserver version; injecting the sidecar as a regular container");
    return false;
  }
}
