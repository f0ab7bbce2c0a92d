/**
 * queue/: ports for handing runs to workers and fanning events out to subscribers, with the
 * in-process implementations embedded mode uses. May import domain/ only.
 */
export type { EventListener, QueueSlot, RunEventBus, RunJob, RunJobHandler, RunQueue } from "./ports.ts";
export { InProcessRunQueue } from "./in-process/in-process-run-queue.ts";
export { InProcessEventBus } from "./in-process/in-process-event-bus.ts";
export { BullmqRunQueue, RUN_QUEUE_NAME } from "./bullmq/bullmq-run-queue.ts";
export type { BullmqRunQueueOptions } from "./bullmq/bullmq-run-queue.ts";
export { RedisEventBus } from "./redis/redis-event-bus.ts";
export type { RedisEventBusOptions } from "./redis/redis-event-bus.ts";
export type { CancelAckMessage, CancelMessage, ControlBus, ControlListener, ControlMessage, DefinitionsChangedMessage, TokenChangedMessage, RuntimeStateMessage } from "./control-ports.ts";
export { InProcessControlBus } from "./in-process/in-process-control-bus.ts";
export { DEFAULT_CONTROL_CHANNEL, PgControlBus } from "./pg-control/pg-control-bus.ts";
export type { PgControlBusOptions } from "./pg-control/pg-control-bus.ts";
export type { RunStateChange, RunStateFeed, RunStateListener } from "./run-state-ports.ts";
export { InProcessRunStateFeed } from "./in-process/in-process-run-state-feed.ts";
export { RedisRunStateFeed } from "./redis/redis-run-state-feed.ts";
export type { RedisRunStateFeedOptions } from "./redis/redis-run-state-feed.ts";
export type { JobCounts } from "./bullmq/bullmq-run-queue.ts";
