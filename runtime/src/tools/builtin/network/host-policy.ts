/**
 * Host allowlist matching for the network tools. Entries are exact host names or IP literals,
 * `*.example.com` (any subdomain), `example.com` (itself and any subdomain, anchored at a dot, so
 * never `evilexample.com`), or `*` (any host; for `allowedHosts` the address guard still keeps it
 * to public addresses).
 */

/** Canonical form of a host for comparison: lower case, no brackets, no trailing dot. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
}

/** Whether one allowlist entry matches a host. */
export function matchesHostPattern(host: string, pattern: string): boolean {
  const h = normalizeHost(host);
  const p = normalizeHost(pattern);
  if (p === "") return false;
  if (p === "*") return true;
  if (p.startsWith("*.")) return h.endsWith(p.slice(1));
  return h === p || h.endsWith(`.${p}`);
}

/** Whether any entry of a list matches a host. An empty list matches nothing. */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesHostPattern(host, pattern));
}

/** Whether a host is named explicitly by a private-host list (a bare `*` does not count). */
export function hostPrivatelyAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => normalizeHost(pattern) !== "*" && matchesHostPattern(host, pattern));
}
