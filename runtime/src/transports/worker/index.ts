/**
 * transports/worker/: the queue consumer. A job is a transport request like any other: it is
 * handed to the service (`RunExecutor.execute`). May import service/ and domain/, queue types.
 */
export { startRunWorker } from "./start-run-worker.ts";
