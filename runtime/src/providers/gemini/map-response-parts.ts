import type { Part } from "@google/genai";
import type { ModelStreamPart } from "../chat-model.ts";

/**
 * Candidate parts of one streamed chunk → normalized stream parts. `thought: true` parts are
 * thinking; a `thoughtSignature` on any other part goes out first as an empty thinking delta, so the
 * loop keeps it right before the part it belongs to (convert-messages puts it back there).
 * `nextToolCallId` supplies `lc-<turn>-<slot>` when Gemini sends a call without an id.
 * @see https://ai.google.dev/api/caching#Part
 */
export function mapResponseParts(parts: readonly Part[] | undefined, nextToolCallId: () => string): ModelStreamPart[] {
  return (parts ?? []).flatMap((part) => mapPart(part, nextToolCallId));
}

function mapPart(part: Part, nextToolCallId: () => string): ModelStreamPart[] {
  if (part.thought === true) return [{ type: "thinking-delta", text: part.text ?? "", ...signature(part) }];
  const out: ModelStreamPart[] = part.thoughtSignature === undefined ? [] : [{ type: "thinking-delta", text: "", ...signature(part) }];
  const call = part.functionCall;
  if (call !== undefined) {
    out.push({ type: "tool-call", id: call.id ?? nextToolCallId(), name: call.name ?? "", input: call.args ?? {} });
  } else if (part.text !== undefined && part.text !== "") {
    out.push({ type: "text-delta", text: part.text });
  }
  return out;
}

function signature(part: Part): { signature?: string } {
  return part.thoughtSignature === undefined ? {} : { signature: part.thoughtSignature };
}
