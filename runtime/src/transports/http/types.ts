import type { AgentCatalog, ProviderProbe, RunService, UsageService } from "../../service/index.ts";
import type { Logger } from "../../domain/index.ts";

/** What the HTTP transport is built from: the services, limits, and health/metrics hooks. */
export interface HttpAppOptions {
  runs: RunService;
  agents: AgentCatalog;
  usage: UsageService;
  /** The provider availability matrix behind /v1/_resolver. */
  resolver: Pick<ProviderProbe, "snapshot" | "probeAll">;
  logger: Logger;
  version: string;
  limits: { maxRequestBytes: number; sseKeepaliveMs: number };
  /** Resolves when the runtime can serve (the store answers); throws otherwise. */
  ready: () => Promise<void>;
  /** Prometheus exposition text and its content type. */
  metrics: () => Promise<{ contentType: string; body: string }>;
}
