import type { ContentBlock } from "../domain/index.ts";

/** Appends a streamed delta, merging consecutive deltas of one kind into a single block and keeping a thinking signature. */
export function appendDelta(content: ContentBlock[], delta: { kind: "text" | "thinking"; text: string; signature?: string | undefined }): void {
  const last = content.at(-1);
  if (last !== undefined && last.type === delta.kind) last.text += delta.text;
  else content.push(delta.kind === "text" ? { type: "text", text: delta.text } : { type: "thinking", text: delta.text });
  // A thinking block's signature arrives with one of its deltas; the provider needs it echoed back.
  const block = content.at(-1);
  if (block?.type === "thinking" && delta.signature !== undefined) block.signature = delta.signature;
}
