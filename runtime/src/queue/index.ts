/**
 * queue/: ports for handing runs to workers and fanning events out to subscribers, with the
 * in-process implementations embedded mode uses. May import domain/ only.
 */
export type { EventListener, QueueSlot, RunEventBus, RunJob, RunJobHandler, RunQueue } from "./ports.ts";
export { InProcessRunQueue } from "./in-process/in-process-run-queue.ts";
export { InProcessEventBus } from "./in-process/in-process-event-bus.ts";
