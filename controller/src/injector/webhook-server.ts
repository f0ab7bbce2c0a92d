import { createServer } from "node:https";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ControllerLogger } from "../reconcile/types.ts";
import { MalformedReviewError, parseAdmissionReview, reviewResponse } from "./admission-review.ts";
import type { AdmissionOutcome, AdmissionRequest } from "./admission-review.ts";
import { inspectCertificate } from "./certificates.ts";
import type { KeyPairPem } from "./certificates.ts";
import { MUTATE_PODS_PATH } from "./injection-names.ts";

/** The apiserver caps requests at 3 MiB; a review is the object plus a little. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface WebhookServerOptions {
  listen: { host: string; port: number };
  admit: (request: AdmissionRequest) => AdmissionOutcome;
  log: ControllerLogger;
}

/** The HTTPS admission endpoint; it serves whichever certificate it was last given. */
export interface WebhookServer {
  readonly port: number;
  /** Serves `pair` from the next handshake on (setSecureContext); throws when cert and key do not fit. */
  setCertificate(pair: KeyPairPem): void;
  /** A certificate is loaded and within its validity period. */
  hasValidCertificate(now?: Date): boolean;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Stop buffering; the 413 goes out with `connection: close`.
        request.removeAllListeners("data");
        request.resume();
        reject(new BodyTooLarge(`request body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/** Parses and answers one review; failures of the handler itself allow the pod (never crash, never block). */
function answer(text: string, options: WebhookServerOptions): { status: number; body: unknown } {
  let request: AdmissionRequest;
  try {
    request = parseAdmissionReview(JSON.parse(text) as unknown);
  } catch (error) {
    const message = error instanceof MalformedReviewError ? error.message : `request body is not JSON: ${(error as Error).message}`;
    return { status: 400, body: { error: message } };
  }
  try {
    const outcome = options.admit(request);
    const pod = request.name ?? (request.object?.["metadata"] as { generateName?: string } | undefined)?.generateName ?? "";
    options.log.info({ namespace: outcome.namespace, pod, uid: request.uid, injected: outcome.injected, reason: outcome.reason }, "admission review");
    return { status: 200, body: outcome.review };
  } catch (error) {
    options.log.error({ uid: request.uid, err: (error as Error).message }, "admission review failed; allowing the pod without a sidecar");
    return { status: 200, body: reviewResponse({ uid: request.uid, allowed: true, warnings: ["loomcycle sidecar injector failed; pod admitted without the sidecar"] }) };
  }
}

async function handle(request: IncomingMessage, response: ServerResponse, options: WebhookServerOptions): Promise<void> {
  const url = new URL(request.url ?? "/", "https://webhook.invalid");
  if (url.pathname !== MUTATE_PODS_PATH) return send(response, 404, { error: `not found: ${url.pathname} (the injector serves POST ${MUTATE_PODS_PATH})` });
  if (request.method !== "POST") return send(response, 405, { error: `method ${request.method ?? ""} not allowed: use POST` });
  try {
    const { status, body } = answer(await readBody(request), options);
    send(response, status, body);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      response.setHeader("connection", "close");
      send(response, 413, { error: error.message });
    }
    else if (!response.headersSent) send(response, 400, { error: `unreadable request: ${(error as Error).message}` });
  }
}

function listen(server: Server, address: { host: string; port: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(address.port, address.host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the HTTPS server with no certificate (handshakes fail until setCertificate). */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const server = createServer({ minVersion: "TLSv1.2" }, (request, response) => {
    handle(request, response, options).catch((error: unknown) => options.log.error({ err: (error as Error).message }, "webhook request failed"));
  });
  server.on("tlsClientError", () => undefined);
  const port = await listen(server, options.listen);
  let validity: { notBefore: Date; notAfter: Date } | undefined;
  return {
    port,
    setCertificate(pair) {
      const info = inspectCertificate(pair.cert);
      server.setSecureContext({ cert: pair.cert, key: pair.key, minVersion: "TLSv1.2" });
      validity = { notBefore: info.notBefore, notAfter: info.notAfter };
    },
    hasValidCertificate(now = new Date()) {
      return validity !== undefined && validity.notBefore <= now && now < validity.notAfter;
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
