import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The Kubernetes version the test plane runs (bump deliberately: scripts/k8s-testenv.sh builds it). */
export const KUBE_VERSION = "1.35.4";

const BUILD_SCRIPT = fileURLToPath(new URL("../../../scripts/k8s-testenv.sh", import.meta.url));

/** Where the binaries live: kube-apiserver, etcd and kubectl (a directory, one per version). */
export interface KubeBinaries {
  dir: string;
  kubeApiserver: string;
  etcd: string;
  kubectl: string;
}

/**
 * Builds (first call on a machine: minutes) or finds (instant) kube-apiserver, etcd and kubectl
 * for `version` via scripts/k8s-testenv.sh; its progress goes to this process's stderr. A failed
 * build throws: the suite fails loudly instead of skipping.
 */
export async function ensureKubeBinaries(version = KUBE_VERSION): Promise<KubeBinaries> {
  const child = spawn("bash", [BUILD_SCRIPT, version], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  const dir = stdout.trim().split("\n").at(-1) ?? "";
  if (code !== 0 || dir === "") throw new Error(`scripts/k8s-testenv.sh failed (exit ${String(code)}); see its output above and <cache>/build.log`);
  return { dir, kubeApiserver: `${dir}/kube-apiserver`, etcd: `${dir}/etcd`, kubectl: `${dir}/kubectl` };
}

