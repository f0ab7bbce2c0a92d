import { isIPv4, isIPv6 } from "node:net";

/**
 * Address classification for the SSRF guard: which IP addresses a network tool may never reach
 * unless the operator names the host in `privateHosts`. Pure functions, no I/O.
 */

/** An IPv4 block as [first octets, prefix length, label]. */
type V4Block = readonly [readonly number[], number, string];

const BLOCKED_V4: readonly V4Block[] = [
  [[0], 8, "this network (0.0.0.0/8)"],
  [[10], 8, "private (10.0.0.0/8)"],
  [[100, 64], 10, "carrier-grade NAT (100.64.0.0/10)"],
  [[127], 8, "loopback (127.0.0.0/8)"],
  [[169, 254], 16, "link-local / cloud metadata (169.254.0.0/16)"],
  [[172, 16], 12, "private (172.16.0.0/12)"],
  [[192, 0, 0], 24, "IETF protocol assignments (192.0.0.0/24)"],
  [[192, 0, 2], 24, "documentation (192.0.2.0/24)"],
  [[192, 88, 99], 24, "6to4 relay (192.88.99.0/24)"],
  [[192, 168], 16, "private (192.168.0.0/16)"],
  [[198, 18], 15, "benchmarking (198.18.0.0/15)"],
  [[198, 51, 100], 24, "documentation (198.51.100.0/24)"],
  [[203, 0, 113], 24, "documentation (203.0.113.0/24)"],
  [[224], 4, "multicast (224.0.0.0/4)"],
  [[240], 4, "reserved / broadcast (240.0.0.0/4)"],
];

function v4ToInt(octets: readonly number[]): number {
  return ((octets[0] ?? 0) * 2 ** 24 + (octets[1] ?? 0) * 2 ** 16 + (octets[2] ?? 0) * 2 ** 8 + (octets[3] ?? 0)) >>> 0;
}

function inV4Block(value: number, block: V4Block): boolean {
  const [prefix, bits] = block;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (value & mask) >>> 0 === (v4ToInt(prefix) & mask) >>> 0;
}

/** Why an IPv4 address (dotted quad) is blocked, or null when it is public. */
export function blockedIPv4Reason(address: string): string | null {
  const value = v4ToInt(address.split(".").map(Number));
  const hit = BLOCKED_V4.find((block) => inV4Block(value, block));
  return hit ? hit[2] : null;
}

/** Rewrites a dotted IPv4 tail (`::ffff:1.2.3.4`) as two hex groups. */
function hexifyV4Tail(text: string): string {
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (!tail) return text;
  const o = tail.split(".").map(Number);
  const hi = ((o[0] ?? 0) * 256 + (o[1] ?? 0)).toString(16);
  const lo = ((o[2] ?? 0) * 256 + (o[3] ?? 0)).toString(16);
  return `${text.slice(0, -tail.length)}${hi}:${lo}`;
}

function splitGroups(part: string | undefined): string[] {
  return part ? part.split(":") : [];
}

/** Expands an IPv6 address (optionally with an embedded dotted IPv4 tail) into 8 16-bit groups. */
export function parseIPv6(address: string): number[] | null {
  const halves = hexifyV4Tail(address.replace(/^\[|\]$/g, "").replace(/%.*$/, "")).split("::");
  if (halves.length > 2) return null;
  const head = splitGroups(halves[0]);
  const tail = splitGroups(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0) return null;
  const groups = [...head, ...Array<string>(fill).fill("0"), ...tail].map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? Number.parseInt(g, 16) : Number.NaN));
  return groups.length === 8 && groups.every((g) => !Number.isNaN(g)) ? groups : null;
}

function embeddedV4(groups: readonly number[]): string {
  const hi = groups[6] ?? 0;
  const lo = groups[7] ?? 0;
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

function startsWith(groups: readonly number[], prefix: readonly number[]): boolean {
  return prefix.every((value, index) => groups[index] === value);
}

/** Why an IPv4-in-IPv6 form is blocked: IPv4-mapped, IPv4-compatible and NAT64 embed a v4 address. */
function embeddedReason(groups: readonly number[]): string | null | undefined {
  const mapped = startsWith(groups, [0, 0, 0, 0, 0, 0xffff]);
  const compatible = startsWith(groups, [0, 0, 0, 0, 0, 0]) && (groups[6] ?? 0) !== 0;
  const nat64 = startsWith(groups, [0x64, 0xff9b, 0, 0, 0, 0]);
  if (!mapped && !compatible && !nat64) return undefined;
  const inner = blockedIPv4Reason(embeddedV4(groups));
  return inner ? `${inner} embedded in IPv6` : null;
}

/** IPv6 blocks as [predicate over the 8 groups, label]. */
const BLOCKED_V6: readonly (readonly [(g: readonly number[]) => boolean, string])[] = [
  [(g) => g.every((x, i) => x === (i === 7 ? 1 : 0)), "loopback (::1)"],
  [(g) => g.every((x) => x === 0), "unspecified (::)"],
  [(g) => ((g[0] ?? 0) & 0xfe00) === 0xfc00, "unique local (fc00::/7)"],
  [(g) => ((g[0] ?? 0) & 0xffc0) === 0xfe80, "link-local (fe80::/10)"],
  [(g) => ((g[0] ?? 0) & 0xffc0) === 0xfec0, "site-local (fec0::/10)"],
  [(g) => ((g[0] ?? 0) & 0xff00) === 0xff00, "multicast (ff00::/8)"],
  [(g) => startsWith(g, [0x2001, 0x0db8]), "documentation (2001:db8::/32)"],
  [(g) => startsWith(g, [0x100, 0, 0, 0]), "discard (100::/64)"],
];

/** Why an IPv6 address is blocked, or null when it is public. Unparseable addresses are blocked. */
export function blockedIPv6Reason(address: string): string | null {
  const groups = parseIPv6(address);
  if (!groups) return "unparseable IPv6 address";
  const embedded = embeddedReason(groups);
  if (embedded !== undefined) return embedded;
  return BLOCKED_V6.find(([test]) => test(groups))?.[1] ?? null;
}

/** Why an IP address (v4 or v6, brackets allowed) must not be dialled, or null when it is public. */
export function blockedAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, "");
  if (isIPv4(bare)) return blockedIPv4Reason(bare);
  if (isIPv6(bare)) return blockedIPv6Reason(bare);
  return "not an IP address";
}

/** Whether a host string is an IP literal (v4 or bracketed/bare v6). */
export function isIpLiteral(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return isIPv4(bare) || isIPv6(bare);
}

/**
 * Whether a host looks like a numeric address written in a disguised form (decimal, hex, octal,
 * shortened) that a parser other than WHATWG URL might read differently. Such hosts are refused.
 */
export function looksLikeDisguisedAddress(host: string): boolean {
  if (isIpLiteral(host)) return false;
  return /^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+))*\.?$/i.test(host);
}
