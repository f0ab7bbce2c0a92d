import type { ContentBlock, Message } from "../domain/index.ts";
import type { ModelRequest } from "../providers/index.ts";

/** What replaces a secret in an outbound request. */
export const REDACTED = "[REDACTED]";

/** Common key shapes: OpenAI/Anthropic `sk-…`, AWS `AKIA…`, GitHub `ghp_…`/`github_pat_…`, Slack `xox[bp]-…`, PEM private keys. */
const KEY_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bghp_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bxox[bp]-[A-Za-z0-9-]{10,}/g,
];

/** The `redact` plugin's settings: literal secret values (resolved by main.ts) and whether key shapes are masked too. */
export interface RedactOptions {
  values: readonly string[];
  patterns: boolean;
}

/**
 * The `redact` context-transform plugin: returns a copy of the request with configured secret
 * values and (when `patterns`) common key shapes replaced by `[REDACTED]` in the system prompt,
 * text, thinking, tool inputs and tool results. The request passed in is never changed.
 */
export function createRedactor(options: RedactOptions): (request: ModelRequest) => ModelRequest {
  const values = [...new Set(options.values.filter((value) => value.length > 0))].sort((a, b) => b.length - a.length);
  const scrub = (text: string): string => {
    let out = text;
    for (const value of values) out = out.split(value).join(REDACTED);
    if (options.patterns) for (const pattern of KEY_PATTERNS) out = out.replace(pattern, REDACTED);
    return out;
  };
  return (request) => ({ ...request, system: scrub(request.system), messages: request.messages.map((message) => redactMessage(message, scrub)) });
}

function redactMessage(message: Message, scrub: (text: string) => string): Message {
  return { ...message, content: message.content.map((block) => redactBlock(block, scrub)) };
}

function redactBlock(block: ContentBlock, scrub: (text: string) => string): ContentBlock {
  switch (block.type) {
    case "text":
    case "tool_result":
      return { ...block, text: scrub(block.text) };
    case "thinking":
      // A signed thinking block must reach its provider unchanged or the signature fails; only unsigned ones are scrubbed.
      return block.signature === undefined ? { ...block, text: scrub(block.text) } : block;
    case "tool_use":
      return { ...block, input: JSON.parse(scrub(JSON.stringify(block.input))) as Record<string, unknown> };
    default:
      return block;
  }
}

/** Chains request transforms left to right; undefined when there are none. */
export function chainTransforms(transforms: readonly ((request: ModelRequest) => ModelRequest)[]): ((request: ModelRequest) => ModelRequest) | undefined {
  if (transforms.length === 0) return undefined;
  return (request) => transforms.reduce((current, transform) => transform(current), request);
}
