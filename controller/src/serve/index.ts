/**
 * The probe and metrics listener (/healthz, /readyz, /metrics) and the Prometheus registry.
 * Imports reconcile/ for types only; knows nothing of kube/, store/ or reconcilers.
 */
export { createMetrics } from "./metrics.ts";
export type { Metrics } from "./metrics.ts";
export { startProbeServer } from "./probe-server.ts";
export type { ProbeServer, ProbeServerOptions, ReadinessCheck } from "./probe-server.ts";
