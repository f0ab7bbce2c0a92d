import type { FakeProtocol } from "./types.ts";

/** Paths only one vendor uses. `/v1/models` is shared by Anthropic and OpenAI (and Gemini's v1). */
const PATH_OWNERS: ReadonlyArray<[RegExp, FakeProtocol]> = [
  [/^\/api\//, "ollama"],
  [/^\/v1(beta|alpha)\//, "gemini"],
  [/^\/v1\/models\/[^/]+:/, "gemini"],
  [/^\/v1\/messages(\/|$)/, "anthropic"],
  [/^\/v1\/chat\/completions$/, "openai"],
];

/** Headers each SDK always sends, which tell the owner of a shared path. */
const HEADER_OWNERS: ReadonlyArray<[string, FakeProtocol]> = [
  ["anthropic-version", "anthropic"],
  ["x-goog-api-key", "gemini"],
  ["x-goog-api-client", "gemini"],
];

/**
 * Decides which protocol a request speaks from its path; for the shared `/v1/models`, from the
 * vendor header the SDK sends, then from the protocol the scope was scripted for, then OpenAI.
 */
export function detectProtocol(options: {
  pathname: string;
  headers: Record<string, string>;
  scopeProtocol: FakeProtocol | undefined;
}): FakeProtocol | undefined {
  const owner = PATH_OWNERS.find(([pattern]) => pattern.test(options.pathname));
  if (owner !== undefined) return owner[1];
  if (!/^\/v1\/models(\/|$)/.test(options.pathname)) return options.scopeProtocol;
  const byHeader = HEADER_OWNERS.find(([name]) => options.headers[name] !== undefined);
  return byHeader?.[1] ?? options.scopeProtocol ?? "openai";
}
