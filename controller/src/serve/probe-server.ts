import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

/** One thing /readyz waits for; `check` answers whether it is ready now. */
export interface ReadinessCheck {
  name: string;
  check(): boolean | Promise<boolean>;
}

export interface ProbeServerOptions {
  /** host:port, e.g. 0.0.0.0:8081 (port 0 = any free port). */
  address: { host: string; port: number };
  readiness: readonly ReadinessCheck[];
  registry: Registry;
}

export interface ProbeServer {
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)));
  const result = Promise.resolve()
    .then(() => check.check())
    .catch(() => false);
  const ready = await Promise.race([result, timeout]);
  clearTimeout(timer);
  return ready;
}

/** 200 when every check passes, else 503 naming the ones that do not; the body is JSON either way. */
async function readiness(checks: readonly ReadinessCheck[]): Promise<{ status: number; body: unknown }> {
  const results = await Promise.all(checks.map(async (check) => [check.name, await runCheck(check)] as const));
  const notReady = results.filter(([, ready]) => !ready).map(([name]) => name);
  return notReady.length === 0 ? { status: 200, body: { ready: true } } : { status: 503, body: { ready: false, notReady } };
}

interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

function send(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, { "content-type": reply.contentType ?? "application/json" });
  response.end(reply.body);
}

async function route(options: ProbeServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? "/", "http://probe").pathname;
  if (request.method !== "GET") return send(response, { status: 405, body: JSON.stringify({ error: "only GET" }) });
  switch (path) {
    case "/healthz":
      return send(response, { status: 200, body: JSON.stringify({ ok: true }) });
    case "/readyz": {
      const { status, body } = await readiness(options.readiness);
      return send(response, { status, body: JSON.stringify(body) });
    }
    case "/metrics":
      return send(response, { status: 200, body: await options.registry.metrics(), contentType: options.registry.contentType });
    default:
      return send(response, { status: 404, body: JSON.stringify({ error: `no route ${path}; try /healthz, /readyz or /metrics` }) });
  }
}

/**
 * The probe/metrics listener every replica runs: /healthz (the process answers), /readyz (caches
 * synced, store reachable, injector serving: 503 with `notReady` naming what is missing), /metrics.
 */
export async function startProbeServer(options: ProbeServerOptions): Promise<ProbeServer> {
  const server: Server = createServer((request, response) => {
    route(options, request, response).catch((error: unknown) => send(response, { status: 500, body: JSON.stringify({ error: error instanceof Error ? error.message : "internal error" }) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.address.port, options.address.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
