/**
 * transports/worker/: the queue consumer. A job is a transport request like any other: it is
 * handed to the service (`RunExecutor.execute`). May import service/ and domain/, queue types.
 * A worker process serves no API, only a health listener (health-server.ts).
 */
export { startQueueSweep, startRunWorker } from "./start-run-worker.ts";
export { startHealthServer } from "./health-server.ts";
export type { HealthServer, HealthServerOptions } from "./health-server.ts";
