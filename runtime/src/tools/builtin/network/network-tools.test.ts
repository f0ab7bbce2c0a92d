import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { toolContext } from "../../../../test/support/tool-context.ts";
import type { ToolContext, ToolPolicy } from "../../tool.ts";
import { createHttpTool } from "./http-tool.ts";
import type { ResolveHost } from "./safe-fetch.ts";
import { createSearxngBackend } from "./search-backend.ts";
import { createWebFetchTool } from "./web-fetch-tool.ts";
import { createWebSearchTool } from "./web-search-tool.ts";

async function listen(handler: RequestListener): Promise<{ server: Server; port: number; connections: () => number }> {
  const server = createServer(handler);
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => connections };
}

function context(policy: Partial<ToolPolicy>): ToolContext {
  return toolContext({ policy: { volumes: [], allowedHosts: [], privateHosts: [], ...policy } });
}

const PAGE = "<html><head><title>Local page</title></head><body><h2>Docs</h2><p>Read <a href='/more'>more</a>.</p><script>x()</script></body></html>";

describe("network tools", () => {
  let site: Awaited<ReturnType<typeof listen>>;
  let redirector: Awaited<ReturnType<typeof listen>>;
  const local = { allowedHosts: ["127.0.0.1"], privateHosts: ["127.0.0.1"] };

  beforeAll(async () => {
    site = await listen((req, res) => {
      if (req.url?.startsWith("/search")) {
        const q = new URL(req.url, "http://x").searchParams.get("q");
        res.setHeader("content-type", "application/json");
        return res.end(JSON.stringify({ results: [{ title: `About ${q}`, url: "https://example.com/a", content: "s".repeat(400) }, { url: "https://example.com/b" }, { nope: 1 }] }));
      }
      if (req.url === "/bin") {
        res.setHeader("content-type", "image/png");
        return res.end(Buffer.from([1, 2, 3]));
      }
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        res.setHeader("content-type", req.method === "POST" ? "application/json" : "text/html; charset=utf-8");
        res.setHeader("x-secret-internal", "hidden");
        res.end(req.method === "POST" ? JSON.stringify({ echo: body, auth: req.headers["authorization"] }) : PAGE);
      });
    });
    redirector = await listen((_req, res) => {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
      res.end();
    });
  });

  afterAll(() => {
    site.server.close();
    redirector.server.close();
  });

  const corpus = (port: number): string[] => [
    `http://127.0.0.1:${port}/`, `http://localhost:${port}/`, `http://[::1]:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`,
    `http://0x7f000001:${port}/`, `http://2130706433:${port}/`, `http://0177.0.0.1:${port}/`,
    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/",
  ];

  it("HTTP and WebFetch refuse the SSRF corpus without connecting", async () => {
    const resolve = vi.fn<ResolveHost>(() => Promise.resolve([{ address: "127.0.0.1", family: 4 }]));
    const tools = [createHttpTool({ resolve }), createWebFetchTool({ resolve })];
    const before = site.connections();
    for (const tool of tools) {
      for (const url of [...corpus(site.port), `http://public-looking.example:${site.port}/`]) {
        const result = await tool.execute({ method: "GET", url }, context({ allowedHosts: ["*"] }));
        expect(result.is_error, `${tool.name} ${url}`).toBe(true);
        expect(result.text).toContain("private or reserved address");
      }
      const redirected = await tool.execute({ method: "GET", url: `http://127.0.0.1:${redirector.port}/` }, context({ allowedHosts: ["*"], privateHosts: ["127.0.0.1"] }));
      expect(redirected.is_error).toBe(true);
      expect(redirected.text).toContain("169.254.169.254");
    }
    expect(site.connections()).toBe(before);
  });

  it("refusals say why: host not allowed, scheme, no network", async () => {
    const http = createHttpTool();
    expect((await http.execute({ method: "GET", url: "https://example.com/" }, context({ allowedHosts: ["api.github.com"] }))).text).toContain("not in the allowed hosts");
    expect((await http.execute({ method: "GET", url: "ftp://example.com/" }, context({ allowedHosts: ["*"] }))).text).toContain("scheme ftp is not allowed");
    expect((await http.execute({ method: "GET", url: "https://example.com/" }, context({}))).text).toContain("network access is disabled");
    expect((await http.execute({ method: "TRACE", url: "https://example.com/" }, context({}))).text).toContain("method must be one of");
  });

  it("HTTP reaches an allowlisted local server", async () => {
    const http = createHttpTool();
    const result = await http.execute({ method: "POST", url: `http://127.0.0.1:${site.port}/api`, headers: { authorization: "Bearer t" }, body: "ping" }, context(local));
    expect(result.is_error).toBe(false);
    const parsed = JSON.parse(result.text) as { status: number; headers: Record<string, string>; body: string };
    expect(parsed.status).toBe(200);
    expect(parsed.headers["content-type"]).toBe("application/json");
    expect(parsed.headers["x-secret-internal"]).toBeUndefined();
    expect(JSON.parse(parsed.body)).toEqual({ echo: "ping", auth: "Bearer t" });
  });

  it("WebFetch returns readable text from an allowlisted local server and refuses binary", async () => {
    const webFetch = createWebFetchTool();
    const result = await webFetch.execute({ url: `http://127.0.0.1:${site.port}/page` }, context(local));
    expect(result.is_error).toBe(false);
    expect(result.text).toContain("# Local page");
    expect(result.text).toContain("## Docs");
    expect(result.text).toContain(`[more](http://127.0.0.1:${site.port}/more)`);
    expect(result.text).not.toContain("x()");
    const binary = await webFetch.execute({ url: `http://127.0.0.1:${site.port}/bin` }, context(local));
    expect(binary.is_error).toBe(true);
    expect(binary.text).toContain("image/png");
  });

  it("WebSearch uses the SearXNG backend and refuses without one", async () => {
    const none = await createWebSearchTool(null).execute({ query: "x" }, context({}));
    expect(none.is_error).toBe(true);
    expect(none.text).toContain("no search backend is configured");
    const backend = createSearxngBackend({ baseUrl: `http://127.0.0.1:${site.port}`, allowPrivate: true });
    const result = await createWebSearchTool(backend).execute({ query: "loom", max_results: 5 }, context({}));
    expect(result.is_error).toBe(false);
    const parsed = JSON.parse(result.text) as { results: { title: string; url: string; snippet: string }[] };
    expect(parsed.results).toHaveLength(2);
    expect(parsed.results[0]?.title).toBe("About loom");
    expect(parsed.results[0]?.snippet.length).toBeLessThanOrEqual(256);
    const privateRefused = await createWebSearchTool(createSearxngBackend({ baseUrl: `http://127.0.0.1:${site.port}` })).execute({ query: "q" }, context({}));
    expect(privateRefused.is_error).toBe(true);
    expect(privateRefused.text).toContain("private");
  });
});
