import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a worker's health listener answers from. */
export interface HealthServerOptions {
  host: string;
  port: number;
  version: string;
  /** Resolves when the store answers; throws otherwise (`/readyz` → 503). */
  ready(): Promise<void>;
  /** Prometheus exposition for `/metrics`. */
  metrics(): Promise<{ contentType: string; body: string }>;
}

/** A listening health server: its URL and how to stop it. */
export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

const startedAt = Date.now();

/**
 * A worker serves no API: only `/healthz` (liveness), `/readyz` (the store answers) and
 * `/metrics`, for probes and autoscalers. It carries no data a caller could act on, so it has no
 * auth; keep it on the cluster network.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((request, response) => {
    answer(options, request, response).catch(() => send(response, 500, { ok: false }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(options: HealthServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? "/").split("?")[0];
  if (request.method !== "GET") return send(response, 405, { ok: false, error: "only GET is served here" });
  if (path === "/healthz") return send(response, 200, { ok: true, role: "worker", version: options.version, uptime_seconds: Math.round((Date.now() - startedAt) / 1000) });
  if (path === "/readyz") {
    const ready = await options.ready().then(
      () => true,
      () => false,
    );
    return send(response, ready ? 200 : 503, { ok: ready });
  }
  if (path === "/metrics") {
    const { contentType, body } = await options.metrics();
    response.writeHead(200, { "content-type": contentType }).end(body);
    return;
  }
  send(response, 404, { ok: false, error: "a worker serves /healthz, /readyz and /metrics only; the API is on the api processes" });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
