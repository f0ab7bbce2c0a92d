import { safeFetch, type ResolveHost } from "./safe-fetch.ts";

/** One web search hit. */
export interface SearchResult {
  title: string;
  url: string;
  snippet: string;
}

/** What a search call may use. */
export interface SearchRequest {
  query: string;
  maxResults: number;
  signal: AbortSignal;
}

/** A web search provider behind WebSearch. Adapters: SearXNG today; brave/serper/… later. */
export interface SearchBackend {
  readonly name: string;
  search(request: SearchRequest): Promise<SearchResult[]>;
}

export interface SearxngBackendOptions {
  /** Base URL of the SearXNG instance, e.g. `http://searxng.search.svc:8080`. */
  baseUrl: string;
  /** Allow the endpoint to resolve to a private address (an in-cluster instance). */
  allowPrivate?: boolean;
  resolve?: ResolveHost;
  timeoutMs?: number;
}

const SNIPPET_MAX = 256;

function toResult(item: unknown): SearchResult | null {
  if (typeof item !== "object" || item === null) return null;
  const record = item as Record<string, unknown>;
  if (typeof record["url"] !== "string") return null;
  const title = typeof record["title"] === "string" ? record["title"] : record["url"];
  const content = typeof record["content"] === "string" ? record["content"].replace(/\s+/g, " ").trim() : "";
  return { title, url: record["url"], snippet: content.length > SNIPPET_MAX ? `${content.slice(0, SNIPPET_MAX - 1)}…` : content };
}

/**
 * A SearXNG-style JSON backend: `GET <base>/search?q=…&format=json`, reading `results[]` of
 * `{title, url, content}`. The endpoint is operator configuration, so it is reached through the
 * SSRF-safe dialer with a policy that allows exactly its host.
 */
export function createSearxngBackend(options: SearxngBackendOptions): SearchBackend {
  const base = new URL(options.baseUrl);
  const policy = { allowedHosts: [base.hostname], privateHosts: options.allowPrivate ? [base.hostname] : [] };
  return {
    name: "searxng",
    async search(request: SearchRequest): Promise<SearchResult[]> {
      const url = new URL(`${base.pathname.replace(/\/$/, "")}/search`, base);
      url.searchParams.set("q", request.query);
      url.searchParams.set("format", "json");
      const fetchOptions = { policy, signal: request.signal, headers: { accept: "application/json" }, maxBytes: 1024 * 1024 };
      const response = await safeFetch(url, { ...fetchOptions, resolve: options.resolve, timeoutMs: options.timeoutMs });
      if (response.status !== 200) throw new Error(`searxng answered HTTP ${response.status}`);
      const parsed = JSON.parse(response.body.toString("utf8")) as { results?: unknown };
      const items = Array.isArray(parsed.results) ? parsed.results : [];
      return items.map(toResult).filter((r): r is SearchResult => r !== null).slice(0, request.maxResults);
    },
  };
}
