import { createParser } from "eventsource-parser";

/** One SSE frame as a client sees it: the event name, its parsed JSON data, and its id. */
export interface SseFrame {
  event: string;
  data: Record<string, unknown>;
  id?: string;
}

/** What an SSE request returned: the HTTP response and its frames, read until the server ends the stream. */
export interface SseResponse {
  status: number;
  contentType: string;
  frames: AsyncGenerator<SseFrame>;
  /** Comments (e.g. `:keepalive`) seen so far. */
  comments: string[];
}

/**
 * A real SSE client over fetch: sends the request, then parses `text/event-stream` with
 * eventsource-parser. Non-SSE answers yield no frames; read `json()` instead via fetch directly.
 */
export async function openSse(url: string, init: RequestInit = {}): Promise<SseResponse> {
  const response = await fetch(url, { ...init, headers: { accept: "text/event-stream", ...(init.headers ?? {}) } });
  const comments: string[] = [];
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    comments,
    frames: readFrames(response, comments),
  };
}

async function* readFrames(response: Response, comments: string[]): AsyncGenerator<SseFrame> {
  if (response.body === null) return;
  const pending: SseFrame[] = [];
  const parser = createParser({
    onEvent: (message) => pending.push({ event: message.event ?? "message", data: JSON.parse(message.data), ...(message.id ? { id: message.id } : {}) }),
    onComment: (comment) => comments.push(comment),
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift() as SseFrame;
  }
}

/** Reads every frame until the server closes the stream. */
export async function allFrames(response: SseResponse): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  for await (const frame of response.frames) frames.push(frame);
  return frames;
}

/** POSTs JSON and opens the answer as SSE. */
export function postSse(url: string, body: unknown, headers: Record<string, string> = {}): Promise<SseResponse> {
  return openSse(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** A response body as loosely-typed JSON, for assertions. */
export async function readJson(response: Response): Promise<any> {
  return response.json();
}

/** GETs (or sends `init`) and returns the JSON body. */
export async function fetchJson(url: string, init?: RequestInit): Promise<any> {
  return readJson(await fetch(url, init));
}
