import type { ContentBlock } from "../domain/index.ts";

/** Appends a streamed delta, merging consecutive deltas of one kind into a single block. */
export function appendDelta(content: ContentBlock[], kind: "text" | "thinking", text: string): void {
  const last = content.at(-1);
  if (last !== undefined && last.type === kind) last.text += text;
  else content.push(kind === "text" ? { type: "text", text } : { type: "thinking", text });
}
