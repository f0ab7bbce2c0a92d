import { z } from "zod";

/**
 * The value parsers both config modules (load.ts, injector-config.ts) build their env schemas
 * from: each trims the raw string and, when it does not fit, says what it expected and what it got.
 */

const MAX_PORT = 65_535;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function text(expected: string, test: (raw: string) => boolean): z.ZodType<string, string> {
  return z.string().transform((raw, context) => {
    const value = raw.trim();
    if (test(value)) return value;
    context.addIssue({ code: "custom", message: `expected ${expected}, got ${JSON.stringify(raw)}` });
    return z.NEVER;
  });
}

export function oneOf<const T extends readonly string[]>(values: T): z.ZodType<T[number], string> {
  return text(values.map((value) => JSON.stringify(value)).join(" or "), (raw) => values.includes(raw)) as z.ZodType<T[number], string>;
}

export function integer(range: { min: number; max: number }): z.ZodType<number, string> {
  return text(`an integer from ${range.min} to ${range.max}`, (raw) => /^\d+$/.test(raw) && Number(raw) >= range.min && Number(raw) <= range.max).transform(Number);
}

export const bool: z.ZodType<boolean, string> = oneOf(["true", "false"] as const).transform((raw) => raw === "true");
export const dnsLabel: z.ZodType<string, string> = text("a DNS label (lower-case letters, digits and '-', at most 63)", (raw) => DNS_LABEL.test(raw) && raw.length <= 63);
export const dnsName: z.ZodType<string, string> = text("a DNS name (lower-case letters, digits, '-' and '.')", (raw) => DNS_NAME.test(raw) && raw.length <= 253);
export const port: z.ZodType<number, string> = integer({ min: 1, max: MAX_PORT });

/** `host:port` or `[ipv6]:port`; an empty host listens on every address. */
export function listenAddress(example: string): z.ZodType<{ host: string; port: number }, string> {
  return z.string().transform((raw, context) => {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(raw.trim());
    if (match !== null && Number(match[3]) <= MAX_PORT) return { host: match[1] ?? (match[2] || "0.0.0.0"), port: Number(match[3]) };
    context.addIssue({ code: "custom", message: `expected host:port (e.g. ${example}), got ${JSON.stringify(raw)}` });
    return z.NEVER;
  });
}

/** A comma-separated list of DNS names or IP addresses (lower-cased, blanks dropped). */
export const hostList: z.ZodType<string[], string> = z.string().transform((raw, context) => {
  const hosts = raw.split(",").map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== "");
  const bad = hosts.filter((host) => !DNS_NAME.test(host) && !/^[0-9a-f:.]+$/.test(host));
  if (bad.length === 0) return hosts;
  context.addIssue({ code: "custom", message: `expected comma-separated DNS names or IP addresses, got ${JSON.stringify(bad[0])}` });
  return z.NEVER;
});

/** Names the variable in each zod issue: `NAME: expected …, got …`. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}
