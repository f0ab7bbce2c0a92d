import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Hook } from "../../domain/index.ts";
import type { ResolveHost } from "../builtin/network/safe-fetch.ts";
import { checkCallbackUrl, createHookCaller } from "./hook-runner.ts";
import type { HookPayload } from "./tool-hooks.ts";

const payload: HookPayload = { phase: "pre", owner: "o", hook_name: "n", agent: "a", user_id: null, agent_id: "agt", tool_call: { id: "t", name: "HTTP", input: {} } };
const hookAt = (url: string, timeoutMs = 2000): Hook => ({
  id: "hook_1",
  tenant_id: "default",
  owner: "o",
  name: "n",
  phase: "pre",
  agents: [],
  tools: [],
  callback_url: url,
  fail_mode: "open",
  timeout_ms: timeoutMs,
  registered_at: new Date(0),
});
const signal = new AbortController().signal;

describe("checkCallbackUrl (at registration)", () => {
  const refused = [
    "http://127.0.0.1/",
    "http://localhost:8080/",
    "http://api.localhost/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://[fd00::1]/",
  ];

  it.each(refused)("refuses %s, saying the operator must allow it", (url) => {
    expect(checkCallbackUrl(url, [])).toMatch(/private or reserved address|non-canonical/);
  });

  it("refuses other schemes and non-URLs; accepts public names and allowlisted private hosts", () => {
    expect(checkCallbackUrl("ftp://hooks.example/", [])).toMatch(/scheme ftp is not allowed/);
    expect(checkCallbackUrl("hooks", [])).toBe("not a valid absolute URL");
    expect(checkCallbackUrl("https://hooks.example/cb", [])).toBeNull();
    expect(checkCallbackUrl("http://127.0.0.1:9000/cb", ["127.0.0.1"])).toBeNull();
  });
});

describe("the hook caller (through safeFetch)", () => {
  let server: Server;
  let base: string;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((request, response) => {
      hits++;
      if (request.url === "/redirect") return void response.writeHead(307, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      if (request.url === "/slow") return void setTimeout(() => response.end("{}"), 500);
      if (request.url === "/500") return void response.writeHead(500).end("boom");
      if (request.url === "/text") return void response.end("not json");
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ echoed: JSON.parse(body) })));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("posts the payload as JSON to an allowlisted private host and returns the answer", async () => {
    const call = createHookCaller({ privateHosts: ["127.0.0.1"] });
    expect(await call(hookAt(`${base}/cb`), payload, signal)).toEqual({ echoed: payload });
  });

  it("refuses a private address the operator did not allow, a name resolving to one, and a redirect to one", async () => {
    const before = hits;
    const call = createHookCaller({ privateHosts: [] });
    await expect(call(hookAt(`${base}/cb`), payload, signal)).rejects.toMatchObject({ code: "private_address" });
    const resolve = vi.fn<ResolveHost>(() => Promise.resolve([{ address: "127.0.0.1", family: 4 }]));
    const byName = createHookCaller({ privateHosts: [], resolve });
    const port = new URL(base).port;
    await expect(byName(hookAt(`http://hooks.innocent.example:${port}/cb`), payload, signal)).rejects.toMatchObject({ code: "private_address" });
    expect(hits).toBe(before);
    const allowed = createHookCaller({ privateHosts: ["127.0.0.1"] });
    await expect(allowed(hookAt(`${base}/redirect`), payload, signal)).rejects.toMatchObject({ code: "private_address" });
  });

  it("fails on a timeout, a non-2xx status and an answer that is not JSON", async () => {
    const call = createHookCaller({ privateHosts: ["127.0.0.1"] });
    await expect(call(hookAt(`${base}/slow`, 50), payload, signal)).rejects.toMatchObject({ code: "timeout" });
    await expect(call(hookAt(`${base}/500`), payload, signal)).rejects.toThrow("the callback answered HTTP 500");
    await expect(call(hookAt(`${base}/text`), payload, signal)).rejects.toThrow("the answer is not JSON");
  });
});
