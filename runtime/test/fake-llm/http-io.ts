import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { EncodedBody } from "./protocol.ts";
import { JSON_CONTENT_TYPE } from "./protocol.ts";

/** A request body: parsed JSON, the raw text when it is not JSON, or `undefined` when empty. */
export async function readBody(request: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString("utf8");
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Request headers as a flat record (repeated headers joined with ", "). */
export function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** Sends a whole JSON document. */
export function sendJson(response: ServerResponse, options: { status: number; body: unknown; headers?: Record<string, string> }): void {
  const text = JSON.stringify(options.body);
  response.writeHead(options.status, {
    ...options.headers,
    "content-type": JSON_CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

function write(response: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => response.write(chunk, () => resolve()));
}

/**
 * Streams an encoded body one chunk per write. With `cutAfterChunks`, writes that many chunks,
 * waits for them to leave, then destroys the socket so the client sees a truncated transfer.
 */
export async function sendChunks(
  response: ServerResponse,
  options: { body: EncodedBody; cutAfterChunks?: number },
): Promise<void> {
  const { body, cutAfterChunks } = options;
  response.writeHead(200, { "content-type": body.contentType, "cache-control": "no-cache" });
  response.flushHeaders();
  const count = cutAfterChunks === undefined ? body.chunks.length : Math.min(cutAfterChunks, body.chunks.length);
  for (const chunk of body.chunks.slice(0, count)) await write(response, chunk);
  if (cutAfterChunks === undefined) {
    response.end();
    return;
  }
  await sleep(10);
  response.socket?.destroy();
}
