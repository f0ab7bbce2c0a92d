/**
 * The accumulated arguments text of a streamed tool call (Anthropic `input_json_delta`, OpenAI
 * `function.arguments` pieces) → its input. Empty text is `{}` (a tool
 * without arguments). Text that is not a JSON object becomes `{ _raw: text }` rather than an
 * error: the call still reaches the loop, whose schema check sends a tool-error result back so
 * the model can correct itself (STYLE: errors the model can fix are data).
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming#input-json-delta
 * @see https://platform.openai.com/docs/guides/function-calling#streaming
 */
export function parseToolInput(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: keep the raw text for the model to see
  }
  return { _raw: text };
}
