import type { V1Container, V1EnvVar, V1Probe, V1Volume } from "@kubernetes/client-node";
import type { SidecarConfig } from "../config/injector-config.ts";
import { DATA_DIR, DATA_VOLUME, SIDECAR_NAME, TMP_VOLUME } from "./injection-names.ts";

/** The secret key holding the runtime's bearer token (sidecar: LOOMCYCLE_AUTH_TOKEN; apps: LOOMCYCLE_TOKEN). */
export const TOKEN_KEY = "token";

/** What one injection uses: the configured sidecar, the image chosen for this pod, native or not. */
export interface SidecarSettings {
  sidecar: SidecarConfig;
  image: string;
  native: boolean;
}

/** `secretKeyRef` to the sidecar Secret's `token`, optional: a namespace without one still gets a pod. */
export function tokenEnv(name: string, secret: string): V1EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key: TOKEN_KEY, optional: true } } };
}

/**
 * An exec probe: the runtime listens on 127.0.0.1 only, which an httpGet probe (sent by the
 * kubelet to the pod IP) cannot reach. /healthz is public on the runtime (no token needed).
 */
function healthProbe(sidecar: SidecarConfig, timing: { periodSeconds: number; failureThreshold: number }): V1Probe {
  const script = `fetch("http://127.0.0.1:${sidecar.port}/healthz").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  return { exec: { command: [sidecar.nodeBinary, "-e", script] }, timeoutSeconds: 5, ...timing };
}

/** The loomcycle runtime container: `serve` on 127.0.0.1, non-root, read-only root, env from the namespace's Secret. */
export function sidecarContainer(settings: SidecarSettings): V1Container {
  const { sidecar } = settings;
  const container: V1Container = {
    name: SIDECAR_NAME,
    image: settings.image,
    imagePullPolicy: sidecar.imagePullPolicy,
    args: ["serve"],
    ports: [{ name: "loomcycle", containerPort: sidecar.port, protocol: "TCP" }],
    envFrom: [{ secretRef: { name: sidecar.envSecret, optional: true } }],
    env: [
      { name: "LOOMCYCLE_LISTEN_ADDR", value: `127.0.0.1:${sidecar.port}` },
      { name: "LOOMCYCLE_DATA_DIR", value: DATA_DIR },
      { name: "HOME", value: DATA_DIR },
      tokenEnv("LOOMCYCLE_AUTH_TOKEN", sidecar.envSecret),
    ],
    resources: { requests: { ...sidecar.resources.requests }, limits: { ...sidecar.resources.limits } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: sidecar.runAsUser,
      runAsGroup: sidecar.runAsUser,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [
      { name: DATA_VOLUME, mountPath: DATA_DIR },
      { name: TMP_VOLUME, mountPath: "/tmp" },
    ],
    startupProbe: healthProbe(sidecar, { periodSeconds: 1, failureThreshold: 120 }),
    readinessProbe: healthProbe(sidecar, { periodSeconds: 10, failureThreshold: 3 }),
  };
  // A native sidecar is an init container that keeps running (KEP-753): it starts before the app
  // containers (gated by its startupProbe) and stops after them, so Jobs still complete.
  if (settings.native) container.restartPolicy = "Always";
  return container;
}

/** The sidecar's writable volumes (emptyDir: its data dir, and /tmp). */
export function sidecarVolumes(): V1Volume[] {
  return [
    { name: DATA_VOLUME, emptyDir: {} },
    { name: TMP_VOLUME, emptyDir: {} },
  ];
}
