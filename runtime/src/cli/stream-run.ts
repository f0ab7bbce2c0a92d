import { createParser } from "eventsource-parser";

/** What a run request came to: a stream that was read, an HTTP error answer, or no server at all. */
export type StreamOutcome =
  | { kind: "streamed" }
  | { kind: "http-error"; status: number; code: string; error: string }
  | { kind: "unreachable"; error: Error };

/** A run to start over HTTP and the callback that sees each SSE event; returning `stop` ends reading. */
export interface StreamRunOptions {
  baseUrl: string;
  agent: string;
  prompt: string;
  /** Continue this session (POST /v1/sessions/<id>/messages) instead of starting one. */
  session?: string | undefined;
  /** Sent as `Authorization: Bearer <token>` (LOOMCYCLE_AUTH_TOKEN); undefined = no header. */
  token?: string | undefined;
  onEvent: (event: string, data: unknown) => "continue" | "stop";
}

/** Whether a fetch failure means nothing listens at the address (ECONNREFUSED, possibly per resolved address). */
export function isConnectionRefused(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ((error as { code?: unknown }).code === "ECONNREFUSED") return true;
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested) && nested.some(isConnectionRefused)) return true;
  return isConnectionRefused((error as { cause?: unknown }).cause);
}

function request(options: StreamRunOptions): { url: string; body: Record<string, string> } {
  const base = options.baseUrl.replace(/\/+$/, "");
  if (options.session === undefined) return { url: `${base}/v1/runs`, body: { agent: options.agent, prompt: options.prompt } };
  return { url: `${base}/v1/sessions/${encodeURIComponent(options.session)}/messages`, body: { prompt: options.prompt } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

/**
 * POSTs the run with `Accept: text/event-stream` and feeds every SSE event to `onEvent` as it
 * arrives. Connection refused is an outcome (the caller may run embedded); other failures throw.
 */
export async function streamRun(options: StreamRunOptions): Promise<StreamOutcome> {
  const { url, body } = request(options);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      },
      body: JSON.stringify(body),
    });
  } catch (error) {
    if (isConnectionRefused(error)) return { kind: "unreachable", error: error as Error };
    throw error;
  }
  if (!response.ok) return httpError(response);
  await readEvents({ response, onEvent: options.onEvent });
  return { kind: "streamed" };
}

async function httpError(response: Response): Promise<StreamOutcome> {
  const text = await response.text();
  const body = parseJson(text) as { code?: unknown; error?: unknown };
  const code = typeof body.code === "string" ? body.code : `http_${response.status}`;
  const error = typeof body.error === "string" ? body.error : text.split("\n")[0] || response.statusText;
  return { kind: "http-error", status: response.status, code, error };
}

async function readEvents(options: { response: Response; onEvent: StreamRunOptions["onEvent"] }): Promise<void> {
  let stopped = false;
  const parser = createParser({
    onEvent: (message) => {
      if (!stopped && options.onEvent(message.event ?? "message", parseJson(message.data)) === "stop") stopped = true;
    },
  });
  const body = options.response.body;
  if (body === null) return;
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  while (!stopped) {
    const chunk = await reader.read();
    if (chunk.done) return;
    parser.feed(chunk.value);
  }
  await reader.cancel();
}
