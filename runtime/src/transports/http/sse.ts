import type { FastifyReply } from "fastify";

/**
 * A Server-Sent Events response in loomcycle's framing: `event: <type>` + `data: <json>`,
 * with `:keepalive` comments while idle so proxies keep the connection open.
 */
export class SseStream {
  private readonly reply: FastifyReply;
  private readonly keepalive: NodeJS.Timeout;
  private closed = false;
  /** Frames written in the same turn of the event loop go out in one socket write. */
  private pending = "";

  constructor(reply: FastifyReply, keepaliveMs: number) {
    this.reply = reply;
    reply.hijack();
    reply.raw.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    reply.raw.flushHeaders();
    this.keepalive = setInterval(() => this.write(":keepalive\n\n"), keepaliveMs);
    reply.raw.on("close", () => this.close());
  }

  /** Sends one event frame; `id` (the event's seq) lets a client resume with Last-Event-ID. */
  send(event: string, data: unknown, id?: number): void {
    this.write(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends the response (idempotent), sending what is still pending. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    this.reply.raw.end(this.pending);
    this.pending = "";
  }

  private write(chunk: string): void {
    if (this.closed) return;
    if (this.pending === "") setImmediate(() => this.flush());
    this.pending += chunk;
  }

  private flush(): void {
    if (this.closed || this.pending === "") return;
    this.reply.raw.write(this.pending);
    this.pending = "";
  }
}
