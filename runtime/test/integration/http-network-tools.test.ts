import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime } from "../support/test-runtime.ts";

const result = (frames: SseFrame[]): Record<string, unknown> | undefined => frames.find((frame) => frame.event === "tool_result")?.data;

describe("network tools under the run's policy", () => {
  let target: Server;
  let url: string;
  let hits = 0;
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    target = createServer((_request, response) => {
      hits++;
      response.writeHead(200, { "content-type": "text/plain" }).end("hello from the allowlisted server");
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
    const fetcher = { ...TEST_AGENTS[1]!, name: "fetcher", tools: ["HTTP", "WebFetch"] };
    runtime = await startTestRuntime("pglite", {
      agents: [...TEST_AGENTS, fetcher],
      network: { hostAllowlist: ["127.0.0.1"], privateHostAllowlist: ["127.0.0.1"], searxngUrl: null },
    });
  });
  afterAll(async () => {
    await runtime?.dispose();
    await new Promise((resolve) => target.close(resolve));
  });

  const script = (tool: string, target: string): unknown[] => [{ tool, input: tool === "HTTP" ? { method: "GET", url: target } : { url: target } }, { text: "ok" }];

  it("reaches a host the operator allowlisted", async () => {
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "fetcher", prompt: "get", metadata: { mock_script: script("HTTP", url) } }));
    expect(result(frames)).toMatchObject({ is_error: false, text: expect.stringContaining("hello from the allowlisted server") });
  });

  it("refuses, as a tool error the model reads, what the caller narrowed away and what the operator never allowed", async () => {
    const before = hits;
    const narrowed = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "fetcher", prompt: "get", allowed_hosts: [], metadata: { mock_script: script("WebFetch", url) } }));
    expect(result(narrowed)).toMatchObject({ is_error: true });
    const metadata = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "fetcher", prompt: "get", metadata: { mock_script: script("HTTP", "http://169.254.169.254/latest/meta-data/") } }));
    expect(result(metadata)).toMatchObject({ is_error: true, text: expect.stringMatching(/refused/) });
    expect(hits).toBe(before);
    expect(metadata.at(-1)?.data).toMatchObject({ type: "done" });
  });
});
