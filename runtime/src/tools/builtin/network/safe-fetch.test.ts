import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NetworkError, safeFetch, type ResolveHost } from "./safe-fetch.ts";

/** A test server on 127.0.0.1 that counts TCP connections. */
interface LocalServer {
  server: Server;
  port: number;
  connections: number;
  url: string;
}

async function startLocalServer(handler: RequestListener): Promise<LocalServer> {
  const server = createServer(handler);
  const local: LocalServer = { server, port: 0, connections: 0, url: "" };
  server.on("connection", () => local.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  local.port = (server.address() as AddressInfo).port;
  local.url = `http://127.0.0.1:${local.port}`;
  return local;
}

const publicOnly = { allowedHosts: ["*"], privateHosts: [] };
/** A resolver that must never be asked: IP literals are checked without DNS. */
const noDns: ResolveHost = () => Promise.reject(new Error("DNS must not be used in this test"));

describe("safeFetch", () => {
  let target: LocalServer;
  let redirector: LocalServer;

  beforeAll(async () => {
    target = await startLocalServer((req, res) => {
      if (req.url === "/big") return res.end("x".repeat(10_000));
      if (req.url === "/gzip") {
        res.setHeader("content-encoding", "gzip");
        return res.end(gzipSync("y".repeat(100_000)));
      }
      if (req.url === "/slow") return setTimeout(() => res.end("late"), 2_000);
      if (req.url === "/headers") return res.end(JSON.stringify(req.headers));
      res.setHeader("content-type", "text/plain");
      res.end(`hello ${req.method} ${req.headers.host}`);
    });
    redirector = await startLocalServer((req, res) => {
      const to = new URL(req.url ?? "/", "http://x").searchParams.get("to") ?? "/";
      res.writeHead(302, { location: to });
      res.end();
    });
  });

  afterAll(() => {
    target.server.close();
    redirector.server.close();
  });

  const corpus = (port: number): string[] => [
    `http://127.0.0.1:${port}/`,
    `http://localhost:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://0x7f000001:${port}/`,
    `http://2130706433:${port}/`,
    `http://0177.0.0.1:${port}/`,
    `http://127.1:${port}/`,
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://[fd00::1]/",
    "http://[64:ff9b::7f00:1]/",
  ];

  it("refuses the SSRF corpus before connecting", async () => {
    const before = target.connections;
    for (const url of corpus(target.port)) {
      await expect(safeFetch(url, { policy: publicOnly }), url).rejects.toMatchObject({ code: "private_address" });
    }
    expect(target.connections).toBe(before);
  });

  it("refuses a public-looking name that resolves to a private address, without connecting", async () => {
    const resolve = vi.fn<ResolveHost>(() => Promise.resolve([{ address: "93.184.216.34", family: 4 }, { address: "127.0.0.1", family: 4 }]));
    const before = target.connections;
    const error = await safeFetch(`http://innocent.example:${target.port}/`, { policy: publicOnly, resolve }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe("private_address");
    expect((error as NetworkError).message).toContain("innocent.example resolves to 127.0.0.1");
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(target.connections).toBe(before);
  });

  it("reaches an allowlisted private host, connecting to the address it checked (one lookup)", async () => {
    const resolve = vi.fn<ResolveHost>(() => Promise.resolve([{ address: "127.0.0.1", family: 4 }]));
    const policy = { allowedHosts: ["svc.internal"], privateHosts: ["svc.internal"] };
    const response = await safeFetch(`http://svc.internal:${target.port}/hi`, { policy, resolve });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe(`hello GET svc.internal:${target.port}`);
    expect(resolve).toHaveBeenCalledTimes(1);
  });

  it("reaches an IP-literal private host named in privateHosts", async () => {
    const response = await safeFetch(`${target.url}/`, { policy: { allowedHosts: ["127.0.0.1"], privateHosts: ["127.0.0.1"] }, resolve: noDns });
    expect(response.body.toString()).toContain("hello GET");
  });

  it("refuses hosts outside the allowlist, empty allowlists and other schemes", async () => {
    await expect(safeFetch(`${target.url}/`, { policy: { allowedHosts: ["example.com"], privateHosts: ["127.0.0.1"] } })).rejects.toMatchObject({ code: "host_not_allowed" });
    await expect(safeFetch(`${target.url}/`, { policy: { allowedHosts: [], privateHosts: ["127.0.0.1"] } })).rejects.toMatchObject({ code: "host_not_allowed" });
    await expect(safeFetch("file:///etc/passwd", { policy: publicOnly })).rejects.toMatchObject({ code: "scheme" });
    await expect(safeFetch("gopher://127.0.0.1/", { policy: publicOnly })).rejects.toMatchObject({ code: "scheme" });
    await expect(safeFetch("not a url", { policy: publicOnly })).rejects.toMatchObject({ code: "invalid_url" });
  });

  it("re-checks every redirect hop", async () => {
    const policy = { allowedHosts: ["127.0.0.1", "sneaky.example"], privateHosts: ["127.0.0.1"] };
    const resolve = vi.fn<ResolveHost>(() => Promise.resolve([{ address: "127.0.0.1", family: 4 }]));
    const before = target.connections;
    const viaName = `${redirector.url}/?to=${encodeURIComponent(`http://sneaky.example:${target.port}/`)}`;
    await expect(safeFetch(viaName, { policy, resolve })).rejects.toMatchObject({ code: "private_address" });
    const toMetadata = `${redirector.url}/?to=${encodeURIComponent("http://169.254.169.254/latest/meta-data/")}`;
    await expect(safeFetch(toMetadata, { policy: { ...policy, allowedHosts: ["*"] } })).rejects.toMatchObject({ code: "private_address" });
    expect(target.connections).toBe(before);
    const allowed = `${redirector.url}/?to=${encodeURIComponent(`${target.url}/ok`)}`;
    const response = await safeFetch(allowed, { policy });
    expect(response.finalUrl).toBe(`${target.url}/ok`);
  });

  it("keeps only harmless headers when a redirect leaves the origin, so no secret follows it", async () => {
    const policy = { allowedHosts: ["127.0.0.1"], privateHosts: ["127.0.0.1"] };
    const headers = { authorization: "Bearer s3cret", "x-api-key": "k3y", cookie: "c=1", accept: "application/json", "user-agent": "probe" };
    const crossOrigin = `${redirector.url}/?to=${encodeURIComponent(`${target.url}/headers`)}`;
    const received = JSON.parse((await safeFetch(crossOrigin, { policy, headers })).body.toString()) as Record<string, string>;
    expect(received).toMatchObject({ accept: "application/json", "user-agent": "probe" });
    expect(Object.keys(received)).not.toEqual(expect.arrayContaining(["authorization"]));
    expect(received["x-api-key"]).toBeUndefined();
    expect(received["cookie"]).toBeUndefined();
    const direct = JSON.parse((await safeFetch(`${target.url}/headers`, { policy, headers })).body.toString()) as Record<string, string>;
    expect(direct).toMatchObject({ authorization: "Bearer s3cret", "x-api-key": "k3y" });
  });

  it("stops after too many redirects", async () => {
    const loop = `${redirector.url}/?to=${encodeURIComponent(`${redirector.url}/`)}`;
    const policy = { allowedHosts: ["127.0.0.1"], privateHosts: ["127.0.0.1"] };
    await expect(safeFetch(loop, { policy, maxRedirects: 2 })).rejects.toMatchObject({ code: "redirect" });
  });

  it("caps bodies (decoded) and requests, and times out", async () => {
    const policy = { allowedHosts: ["127.0.0.1"], privateHosts: ["127.0.0.1"] };
    const big = await safeFetch(`${target.url}/big`, { policy, maxBytes: 1000 });
    expect(big.body.length).toBe(1000);
    expect(big.truncated).toBe(true);
    const zipped = await safeFetch(`${target.url}/gzip`, { policy, maxBytes: 5000 });
    expect(zipped.body.toString()).toBe("y".repeat(5000));
    await expect(safeFetch(`${target.url}/`, { policy, method: "POST", body: "z".repeat(2000), maxBytes: 1000 })).rejects.toMatchObject({ code: "too_large" });
    await expect(safeFetch(`${target.url}/slow`, { policy, timeoutMs: 100 })).rejects.toMatchObject({ code: "timeout" });
  });
});
