/**
 * telemetry/: logs (pino), metrics (prom-client) and traces (OpenTelemetry). Adapters built by
 * main.ts; may import domain/ and, for types, config/ and service/.
 */
export { createLogger } from "./logger.ts";
export { createMetrics } from "./metrics.ts";
export type { RuntimeMetrics } from "./metrics.ts";
export { startTracing } from "./tracing.ts";
export type { Tracing } from "./tracing.ts";
