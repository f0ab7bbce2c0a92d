import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { startTracing } from "../../src/telemetry/index.ts";

describe("OTLP trace export", () => {
  it("posts the loop's spans as OTLP protobuf to <endpoint>/v1/traces when an endpoint is set", async () => {
    const received: { url: string; contentType: string; body: Buffer }[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        received.push({ url: request.url ?? "", contentType: request.headers["content-type"] ?? "", body: Buffer.concat(chunks) });
        response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const tracing = await startTracing({ endpoint: `http://127.0.0.1:${port}/`, serviceName: "loomcycle-otlp-test" });
    trace.getTracer("loomcycle").startActiveSpan("loomcycle.run", (span) => span.end());
    await tracing.shutdown();
    server.close();

    expect(received).toHaveLength(1);
    expect(received[0]?.url).toBe("/v1/traces");
    expect(received[0]?.contentType).toBe("application/x-protobuf");
    expect(received[0]?.body.toString("latin1")).toContain("loomcycle.run");
    expect(received[0]?.body.toString("latin1")).toContain("loomcycle-otlp-test");
  });

  it("loads nothing and exports nothing without an endpoint", async () => {
    const tracing = await startTracing({ endpoint: null, serviceName: "x" });
    await expect(tracing.shutdown()).resolves.toBeUndefined();
  });
});
