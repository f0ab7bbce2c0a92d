import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeCliDeps } from "../../../test/support/fake-cli-deps.ts";
import { runCli } from "../run-cli.ts";

let root: string;
let server: Server | null = null;
const requests: { url: string; accept: string; body: unknown }[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-run-"));
  requests.length = 0;
});

afterEach(async () => {
  rmSync(root, { recursive: true, force: true });
  if (server !== null) await new Promise((resolve) => server?.close(resolve));
  server = null;
});

const TOOL_USE = { id: "tu_1", name: "Context", input: { op: "now", padding: "x".repeat(300) } };

/** loomcycle's frames for a run with two text chunks, a tool call and its result. */
const RUN_FRAMES: [string, unknown][] = [
  ["session", { type: "session", text: "ses_1" }],
  ["agent", { agent_id: "agt_1", run_id: "run_1", session_id: "ses_1" }],
  ["started", { type: "started" }],
  ["text", { type: "text", text: "Hello, " }],
  ["text", { type: "text", text: "world." }],
  ["tool_call", { type: "tool_call", tool_use: TOOL_USE }],
  ["tool_result", { type: "tool_result", tool_use: TOOL_USE, text: "2026-01-01T00:00:00Z\nsecond line", is_error: false }],
  ["usage", { type: "usage", usage: { input_tokens: 9, output_tokens: 3 } }],
  ["done", { type: "done", stop_reason: "end_turn", usage: { input_tokens: 12, output_tokens: 5 } }],
];

type Handler = (request: IncomingMessage, response: ServerResponse, body: unknown) => void;

function sse(frames: [string, unknown][]): Handler {
  return (_request, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.write(":keepalive\n\n");
    let seq = 0;
    for (const [event, data] of frames) response.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    response.end();
  };
}

function jsonError(status: number, code: string, error: string): Handler {
  return (_request, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify({ code, error }));
  };
}

async function serve(handler: Handler): Promise<string> {
  server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString()));
    request.on("end", () => {
      const body: unknown = JSON.parse(text || "{}");
      requests.push({ url: request.url ?? "", accept: request.headers.accept ?? "", body });
      handler(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 1;
}

function deps(env: Record<string, string> = {}): ReturnType<typeof fakeCliDeps> {
  return fakeCliDeps({ env: { HOME: root, ...env }, cwd: root });
}

describe("loomcycle run", () => {
  it("streams the run as a readable transcript", async () => {
    const url = await serve(sse(RUN_FRAMES));
    const fake = deps();
    expect(await runCli(["run", "default", "say hello", "--base-url", url], fake)).toBe(0);
    expect(requests).toEqual([{ url: "/v1/runs", accept: "text/event-stream", body: { agent: "default", prompt: "say hello" } }]);
    const toolLine = `→ Context ${JSON.stringify(TOOL_USE.input).slice(0, 199)}…`;
    expect(fake.out()).toBe(
      [
        "Hello, world.",
        toolLine,
        "← ok: 2026-01-01T00:00:00Z …",
        "— done: end_turn · 12 in / 5 out tokens · run run_1 · session ses_1",
        "",
      ].join("\n"),
    );
    expect(fake.err()).toBe("");
  });

  it("continues a session with --session", async () => {
    const url = await serve(sse(RUN_FRAMES));
    expect(await runCli(["run", "default", "again", "--base-url", url, "--session", "ses_1"], deps())).toBe(0);
    expect(requests[0]).toMatchObject({ url: "/v1/sessions/ses_1/messages", body: { prompt: "again" } });
  });

  it("prints one JSON line per event with --json", async () => {
    const url = await serve(sse(RUN_FRAMES));
    const fake = deps();
    expect(await runCli(["run", "default", "hi", "--base-url", url, "--json"], fake)).toBe(0);
    const lines = fake.out().trim().split("\n").map((line) => JSON.parse(line) as { type: string });
    expect(lines.map((line) => line.type)).toEqual(["session", "agent", "started", "text", "text", "tool_call", "tool_result", "usage", "done"]);
  });

  it("prints an error event and exits 1", async () => {
    const url = await serve(sse([RUN_FRAMES[0] as [string, unknown], ["text", { type: "text", text: "partial" }], ["error", { type: "error", error: "provider exploded" }]]));
    const fake = deps();
    expect(await runCli(["run", "default", "hi", "--base-url", url], fake)).toBe(1);
    expect(fake.out()).toBe("partial\n");
    expect(fake.err()).toBe("✗ provider exploded\n");
  });

  it("prints a 400 answer as code and message and exits 2", async () => {
    const url = await serve(jsonError(400, "unknown_agent", 'agent "nope" is not configured'));
    const fake = deps();
    expect(await runCli(["run", "nope", "hi", "--base-url", url], fake)).toBe(2);
    expect(fake.err()).toBe('✗ unknown_agent: agent "nope" is not configured\n');
  });

  it("exits 1 on other HTTP errors", async () => {
    const url = await serve(jsonError(409, "session_busy", "another run is active in session ses_1"));
    const fake = deps();
    expect(await runCli(["run", "default", "hi", "--base-url", url], fake)).toBe(1);
    expect(fake.err()).toContain("✗ session_busy: another run is active");
  });

  it("exits 1 when the stream ends before the run finishes", async () => {
    const url = await serve(sse(RUN_FRAMES.slice(0, 4)));
    const fake = deps();
    expect(await runCli(["run", "default", "hi", "--base-url", url], fake)).toBe(1);
    expect(fake.err()).toContain("re-attach with GET /v1/runs/run_1/stream");
  });

  it("runs embedded when nothing listens at the configured base URL, then closes the runtime", async () => {
    const url = await serve(sse(RUN_FRAMES));
    const refused = `http://127.0.0.1:${await closedPort()}`;
    let closed = 0;
    const fake = fakeCliDeps({
      env: { HOME: root, LOOMCYCLE_BASE_URL: refused },
      cwd: root,
      startRuntime: (config) => {
        expect(config.listen).toEqual({ host: "127.0.0.1", port: 0 });
        return Promise.resolve({ url, close: () => Promise.resolve(void closed++) });
      },
    });
    expect(await runCli(["run", "default", "hi"], fake)).toBe(0);
    expect(fake.out()).toContain("Hello, world.");
    expect(fake.err()).toBe(`(no server at ${refused}; ran embedded)\n`);
    expect(closed).toBe(1);
  });

  it("prints the embedded runtime's start error (data dir in use) and exits 1", async () => {
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const message = "data dir /d is in use by process 77: stop that loomcycle or pass --data-dir";
    const fake = fakeCliDeps({
      env: { HOME: root, LOOMCYCLE_BASE_URL: refused },
      cwd: root,
      startRuntime: () => Promise.reject(new Error(message)),
    });
    expect(await runCli(["run", "default", "hi"], fake)).toBe(1);
    expect(fake.err()).toContain(message);
  });

  it("does not fall back to embedded for an explicit --base-url", async () => {
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const fake = deps();
    expect(await runCli(["run", "default", "hi", "--base-url", refused], fake)).toBe(1);
    expect(fake.err()).toContain(`✗ no server at ${refused}`);
    expect(fake.started).toHaveLength(0);
  });
});
