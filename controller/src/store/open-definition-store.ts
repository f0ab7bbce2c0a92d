import { hostname } from "node:os";
import { newId } from "../../../runtime/src/domain/index.ts";
import { PgControlBus } from "../../../runtime/src/queue/index.ts";
import { AgentCatalog, DefinitionService } from "../../../runtime/src/service/index.ts";
import type { ApplyDefinition, ApplyOutcome, ReleaseDefinition } from "../../../runtime/src/service/index.ts";
import { createPostgresStore } from "../../../runtime/src/store/index.ts";

/** What reconcile writes (the runtime's DefinitionService satisfies it): the upsert and the finalizer's release. */
export interface DefinitionWrites {
  apply(input: ApplyDefinition): Promise<ApplyOutcome>;
  release(input: ReleaseDefinition): Promise<number>;
}

/** Options of openDefinitionStore. */
export interface DefinitionStoreOptions {
  /** Keep the tables in this Postgres schema (the runtime's must match); default: the URL's search_path. */
  schema?: string;
  /** The control NOTIFY channel the runtime processes LISTEN on (default `loomcycle_control`). */
  channel?: string;
  /** Pool size (default 4: reconcile writes are small and serialized per name). */
  maxConnections?: number;
  /** Told when a `definitions_changed` notice could not be sent or the LISTEN connection dropped (for the log). */
  onNoticeError?: (error: unknown) => void;
}

/** The controller's handle on the runtime's definition store. */
export interface DefinitionStoreHandle {
  definitions: DefinitionWrites;
  /** Where it is, for logs (never a password). */
  description: string;
  /** Resolves when Postgres answers (/readyz); throws otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The runtime's control backplane entry points need an origin; the controller's never listens for its own. */
function origin(): string {
  return `controller:${hostname()}:${process.pid}:${newId("proc")}`;
}

/**
 * Opens the definition store the runtime reads: the runtime's Postgres store (migrated under its
 * advisory lock, so a controller and runtimes starting together agree on the schema), the
 * DefinitionService over it (with an empty AgentCatalog: the controller serves no agents and
 * loads no agent files), and the control backplane, on which every apply / release that changes
 * something sends `definitions_changed`, so runtime processes reload at once (their timer stays the
 * fallback). Throws STORE_UNAVAILABLE when Postgres cannot be reached.
 */
export async function openDefinitionStore(databaseUrl: string, options: DefinitionStoreOptions = {}): Promise<DefinitionStoreHandle> {
  const store = await createPostgresStore({ url: databaseUrl, maxConnections: options.maxConnections ?? 4, ...(options.schema === undefined ? {} : { schema: options.schema }) });
  let control: PgControlBus;
  try {
    control = await PgControlBus.connect({
      url: databaseUrl,
      origin: origin(),
      applicationName: `loomcycle-controller:${process.pid}`,
      ...(options.channel === undefined ? {} : { channel: options.channel }),
      ...(options.onNoticeError === undefined ? {} : { onError: options.onNoticeError }),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const definitions = new DefinitionService({ store: store.definitions, agents: new AgentCatalog([]), control, ...(options.onNoticeError === undefined ? {} : { onNoticeError: options.onNoticeError }) });
  return {
    definitions,
    description: store.description,
    ping: () => store.ping(),
    close: async () => {
      await control.close();
      await store.close();
    },
  };
}
