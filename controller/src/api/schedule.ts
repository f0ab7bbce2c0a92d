import { NAME_IMMUTABLE } from "./kind-info.ts";
import type { KindInfo } from "./kind-info.ts";

/** Schedule: a cron that starts a run of an agent. */
export const SCHEDULE: KindInfo = {
  kind: "Schedule",
  plural: "schedules",
  singular: "schedule",
  definitionKind: "schedule",
  description: "A cron schedule that starts runs of a loomcycle agent. The spec is the runtime's schedule definition.",
  rules: [NAME_IMMUTABLE],
};
