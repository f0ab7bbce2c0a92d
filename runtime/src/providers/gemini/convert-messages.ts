import type { Content, Part } from "@google/genai";
import type { ContentBlock, Message, ToolResultBlock, ToolUseBlock } from "../../domain/index.ts";

/** Prefix of tool-call ids this driver invents when Gemini sends none; they are never sent back. */
export const SYNTHETIC_ID_PREFIX = "lc-";

/**
 * Domain messages → Gemini `contents`. Assistant turns become role `model`; tool results become
 * `functionResponse` parts, which need the tool's NAME, looked up from the `tool_use` that asked.
 * A thinking block's signature rides on the next text or function-call part of the same turn
 * (Gemini validates signatures on function calls), else on the thought part itself.
 * @see https://ai.google.dev/api/caching#Content
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export function convertMessages(messages: readonly Message[]): Content[] {
  const toolNames = new Map<string, string>();
  const contents: Content[] = [];
  for (const message of messages) {
    const parts = message.role === "assistant" ? modelParts(message.content, toolNames) : userParts(message.content, toolNames);
    if (parts.length > 0) contents.push({ role: message.role === "assistant" ? "model" : "user", parts });
  }
  return contents;
}

function userParts(blocks: readonly ContentBlock[], toolNames: ReadonlyMap<string, string>): Part[] {
  const parts: Part[] = [];
  for (const block of blocks) {
    if (block.type === "text") parts.push({ text: block.text });
    else if (block.type === "image") parts.push({ inlineData: { mimeType: block.media_type, data: block.data } });
    else if (block.type === "tool_result") parts.push(functionResponsePart(block, toolNames));
  }
  return parts;
}

function functionResponsePart(block: ToolResultBlock, toolNames: ReadonlyMap<string, string>): Part {
  const name = toolNames.get(block.tool_use_id) ?? "unknown_tool";
  const response = block.is_error ? { error: block.text } : { output: block.text };
  return { functionResponse: { ...vendorId(block.tool_use_id), name, response } };
}

function modelParts(blocks: readonly ContentBlock[], toolNames: Map<string, string>): Part[] {
  const parts: Part[] = [];
  let pendingSignature: string | undefined;
  for (const block of blocks) {
    if (block.type === "thinking") {
      if (block.text !== "") parts.push({ text: block.text, thought: true });
      pendingSignature = block.signature ?? pendingSignature;
      continue;
    }
    const part = block.type === "tool_use" ? functionCallPart(block, toolNames) : block.type === "text" ? { text: block.text } : null;
    if (part === null) continue;
    parts.push(pendingSignature === undefined ? part : { ...part, thoughtSignature: pendingSignature });
    pendingSignature = undefined;
  }
  if (pendingSignature !== undefined) attachTrailingSignature(parts, pendingSignature);
  return parts;
}

function functionCallPart(block: ToolUseBlock, toolNames: Map<string, string>): Part {
  toolNames.set(block.id, block.name);
  return { functionCall: { ...vendorId(block.id), name: block.name, args: block.input } };
}

/** A signature with no later part: keep it on the last thought part, or on an empty text part as Gemini sent it. */
function attachTrailingSignature(parts: Part[], signature: string): void {
  const last = parts.at(-1);
  if (last?.thought === true && last.thoughtSignature === undefined) last.thoughtSignature = signature;
  else parts.push({ text: "", thoughtSignature: signature });
}

/** Gemini's own call ids go back verbatim; ids this driver synthesized are omitted. */
function vendorId(id: string): { id?: string } {
  return id.startsWith(SYNTHETIC_ID_PREFIX) ? {} : { id };
}
