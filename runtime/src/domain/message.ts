import { z } from "zod";

/**
 * Messages and content blocks: the provider-neutral conversation the loop sends to a model.
 * Shapes follow loomcycle's ContentBlock so transcripts carry over.
 */
export const TextBlock = z.object({ type: z.literal("text"), text: z.string() });
export const ThinkingBlock = z.object({
  type: z.literal("thinking"),
  text: z.string(),
  signature: z.string().optional(),
});
export const ToolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});
export const ToolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  text: z.string(),
  is_error: z.boolean(),
});
/** An image in a user turn: base64 data, never a URL (no fetches on the model's behalf). */
export const ImageBlock = z.object({
  type: z.literal("image"),
  media_type: z.enum(["image/png", "image/jpeg", "image/gif", "image/webp"]),
  data: z.string().min(1),
});
export const ContentBlock = z.discriminatedUnion("type", [TextBlock, ThinkingBlock, ToolUseBlock, ToolResultBlock, ImageBlock]);

export type TextBlock = z.infer<typeof TextBlock>;
export type ThinkingBlock = z.infer<typeof ThinkingBlock>;
export type ToolUseBlock = z.infer<typeof ToolUseBlock>;
export type ToolResultBlock = z.infer<typeof ToolResultBlock>;
export type ImageBlock = z.infer<typeof ImageBlock>;
export type ContentBlock = z.infer<typeof ContentBlock>;

/** One turn of the conversation. Tool results travel in `user` messages, as the Messages API does. */
export interface Message {
  role: "user" | "assistant";
  content: ContentBlock[];
}

/** A caller-supplied text part of a segment (loomcycle wire: `text` and `trusted-text`). */
export const SegmentText = z.object({
  type: z.enum(["text", "trusted-text"]),
  text: z.string(),
  cacheable: z.boolean().optional(),
});
/** A caller-supplied content part: text, or an image (user segments only; refused when no candidate model has vision). */
export const SegmentContent = z.discriminatedUnion("type", [SegmentText, ImageBlock]);
export type SegmentContent = z.infer<typeof SegmentContent>;

/** A caller-supplied input segment (`segments[]` on POST /v1/runs). */
export const Segment = z
  .object({
    role: z.enum(["user", "system"]).default("user"),
    content: z.array(SegmentContent).min(1),
  })
  .refine((segment) => segment.role === "user" || segment.content.every((part) => part.type !== "image"), {
    message: "images are allowed in user segments only",
    path: ["content"],
  });
export type Segment = z.infer<typeof Segment>;

/** Flattens input segments into the user message the model sees first. */
export function segmentsToMessage(segments: readonly Segment[]): Message {
  const content: ContentBlock[] = [];
  for (const segment of segments) {
    for (const part of segment.content) content.push(part.type === "image" ? part : { type: "text", text: part.text });
  }
  return { role: "user", content };
}

/** The text of every text block of a message, joined. */
export function messageText(message: Message): string {
  return message.content
    .filter((block): block is TextBlock => block.type === "text")
    .map((block) => block.text)
    .join("");
}
