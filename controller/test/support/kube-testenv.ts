import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePorts } from "./free-port.ts";
import { ManagedProcess } from "./managed-process.ts";
import { ensureKubeBinaries } from "./kube-binaries.ts";
import type { KubeBinaries } from "./kube-binaries.ts";
import { runKubectl } from "./kubectl.ts";
import type { KubectlResult } from "./kubectl.ts";

/**
 * A real control plane for tests: etcd + kube-apiserver (built from Go modules by
 * scripts/k8s-testenv.sh) on free 127.0.0.1 ports in a temp dir, with envtest's flag set
 * (controller-runtime pkg/internal/testing/controlplane). Authn: a static bearer token for an
 * admin user in `system:masters`; the apiserver serves a self-signed certificate from its
 * --cert-dir, which the kubeconfig trusts. No controllers, scheduler or kubelet run: CRDs, CEL,
 * RBAC, status, watches and admission webhooks are real; Pods never start.
 */
export interface KubeTestenv {
  /** https://127.0.0.1:<port> */
  server: string;
  /** A kubeconfig file for the admin user (context `loomcycle-testenv`). */
  kubeconfig: string;
  token: string;
  /** The CA file that verifies the apiserver. */
  caFile: string;
  dir: string;
  binaries: KubeBinaries;
  /** `kubectl --kubeconfig <kubeconfig> ...args` (the kubectl built with the apiserver). */
  kubectl(args: readonly string[], stdin?: string): Promise<KubectlResult>;
  /** Stops kube-apiserver then etcd (by their PIDs) and removes the temp dir. */
  stop(): Promise<void>;
}

export interface KubeTestenvOptions {
  /** Binaries to use; default: ensureKubeBinaries() (builds on the first run on a machine). */
  binaries?: KubeBinaries;
  /** How long the apiserver may take to report /readyz (default 90 s: a loaded 2-core machine). */
  readyTimeoutMs?: number;
}

interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
}

function etcdArgs(dir: string, ports: Ports): string[] {
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    "--name=default",
    `--data-dir=${path.join(dir, "etcd")}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    "--unsafe-no-fsync=true",
    "--log-level=warn",
  ];
}

function apiserverArgs(dir: string, ports: Ports): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${ports.apiserver}`,
    `--cert-dir=${path.join(dir, "certs")}`,
    `--token-auth-file=${path.join(dir, "tokens.csv")}`,
    "--authorization-mode=RBAC",
    `--service-account-issuer=https://127.0.0.1:${ports.apiserver}/`,
    `--service-account-key-file=${path.join(dir, "sa.pub")}`,
    `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
    "--service-cluster-ip-range=10.0.0.0/24",
    "--allow-privileged=true",
    "--disable-admission-plugins=ServiceAccount",
  ];
}

async function writeCredentials(dir: string, token: string): Promise<void> {
  const keys = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  await writeFile(path.join(dir, "sa.pub"), keys.publicKey);
  await writeFile(path.join(dir, "sa.key"), keys.privateKey);
  await writeFile(path.join(dir, "tokens.csv"), `${token},loomcycle-testenv-admin,loomcycle-testenv-admin,"system:masters"\n`);
}

function kubeconfigYaml(server: string, caFile: string, token: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: loomcycle-testenv\n  cluster:\n    server: ${server}\n    certificate-authority: ${caFile}`,
    "users:",
    `- name: loomcycle-testenv-admin\n  user:\n    token: ${token}`,
    "contexts:",
    "- name: loomcycle-testenv\n  context:\n    cluster: loomcycle-testenv\n    user: loomcycle-testenv-admin",
    "current-context: loomcycle-testenv",
    "",
  ].join("\n");
}

/** GET `url` with the bearer token over TLS trusting `ca`; resolves the status code (0 = no answer). */
function probe(url: string, ca: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end();
  });
}

async function httpProbe(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(5_000) }).then((res) => res.ok, () => false);
}

/** Polls `ready` every 200 ms until it holds; throws with the process's log tail if it exits or time runs out. */
async function waitUntil(process_: ManagedProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (process_.exited) throw new Error(`${process_.name} exited during start-up:\n${process_.logTail()}`);
    if (Date.now() > deadline) throw new Error(`${process_.name} not ready within ${timeoutMs} ms:\n${process_.logTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function apiserverReady(caFile: string, url: string, token: string): Promise<boolean> {
  if (!existsSync(caFile)) return false;
  return (await probe(url, await readFile(caFile, "utf8"), token)) === 200;
}

interface Plane {
  dir: string;
  ports: Ports;
  token: string;
  binaries: KubeBinaries;
  timeoutMs: number;
}

async function startEtcd(plane: Plane): Promise<ManagedProcess> {
  const etcd = new ManagedProcess("etcd", { file: plane.binaries.etcd, args: etcdArgs(plane.dir, plane.ports), logFile: path.join(plane.dir, "etcd.log") });
  await waitUntil(etcd, () => httpProbe(`http://127.0.0.1:${plane.ports.etcdClient}/health`), plane.timeoutMs).catch(async (error: unknown) => {
    await etcd.stop();
    throw error;
  });
  return etcd;
}

async function startApiserver(plane: Plane): Promise<ManagedProcess> {
  const { dir, ports, token } = plane;
  const apiserver = new ManagedProcess("kube-apiserver", { file: plane.binaries.kubeApiserver, args: apiserverArgs(dir, ports), logFile: path.join(dir, "kube-apiserver.log") });
  const ready = (): Promise<boolean> => apiserverReady(path.join(dir, "certs", "apiserver.crt"), `https://127.0.0.1:${ports.apiserver}/readyz`, token);
  await waitUntil(apiserver, ready, plane.timeoutMs).catch(async (error: unknown) => {
    await apiserver.stop();
    throw error;
  });
  return apiserver;
}

async function preparePlane(options: KubeTestenvOptions): Promise<Plane> {
  const binaries = options.binaries ?? (await ensureKubeBinaries());
  const dir = await mkdtemp(path.join(tmpdir(), "loomcycle-kube-"));
  const [etcdClient = 0, etcdPeer = 0, apiserver = 0] = await freePorts(3);
  const token = randomBytes(24).toString("hex");
  await writeCredentials(dir, token);
  return { dir, ports: { etcdClient, etcdPeer, apiserver }, token, binaries, timeoutMs: options.readyTimeoutMs ?? 90_000 };
}

/** Starts etcd and kube-apiserver, waits for /readyz, writes the kubeconfig. */
export async function startKubeTestenv(options: KubeTestenvOptions = {}): Promise<KubeTestenv> {
  const plane = await preparePlane(options);
  const { dir, token, binaries } = plane;
  const started: ManagedProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const process_ of started.reverse()) await process_.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    started.push(await startEtcd(plane));
    started.push(await startApiserver(plane));
  } catch (error) {
    await stop();
    throw error;
  }
  const server = `https://127.0.0.1:${plane.ports.apiserver}`;
  const caFile = path.join(dir, "certs", "apiserver.crt");
  const kubeconfig = path.join(dir, "kubeconfig");
  await writeFile(kubeconfig, kubeconfigYaml(server, caFile, token));
  const kubectl = (args: readonly string[], stdin?: string): Promise<KubectlResult> => runKubectl(binaries.kubectl, ["--kubeconfig", kubeconfig, ...args], stdin);
  return { server, kubeconfig, token, caFile, dir, binaries, kubectl, stop };
}
