import { createParser } from "eventsource-parser";

type Json = Record<string, unknown>;

/** One SSE frame of a run's stream. */
export interface Frame {
  event: string;
  data: Json;
}

/** What a run over HTTP showed: its stream, the system prompt it was given and the tools Context op=self reported. */
export interface RunOutcome {
  status: number;
  /** The JSON body when the runtime refused the run (e.g. `{code: "unknown_agent"}`). */
  error?: Json;
  frames: Frame[];
  sessionId?: string;
  /** From the session transcript's `system_prompt` event. */
  systemPrompt?: string;
  /** `tools` of the first Context op=self tool result (the tools the run may call). */
  tools?: string[];
  /** The last frame's event (`done` when the run finished). */
  last?: string;
}

function parseFrames(text: string): Frame[] {
  const frames: Frame[] = [];
  const parser = createParser({ onEvent: (message) => frames.push({ event: message.event ?? "message", data: JSON.parse(message.data) as Json }) });
  parser.feed(text);
  return frames;
}

async function transcriptSystemPrompt(baseUrl: string, sessionId: string): Promise<string | undefined> {
  const response = await fetch(`${baseUrl}/v1/sessions/${sessionId}/transcript`);
  const transcript = (await response.json()) as { events?: { type: string; event: Json }[] };
  const value = transcript.events?.find((event) => event.type === "system_prompt")?.event["system_prompt"];
  return typeof value === "string" ? value : undefined;
}

function contextTools(frames: Frame[]): string[] | undefined {
  const result = frames.find((frame) => frame.event === "tool_result");
  if (result === undefined) return undefined;
  try {
    const tools = (JSON.parse(String(result.data["text"])) as Json)["tools"];
    return Array.isArray(tools) ? tools.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** `POST /v1/runs {agent, prompt}` read as SSE to the end (open mode: the default tenant). */
export async function runAgent(baseUrl: string, agent: string, prompt = "go"): Promise<RunOutcome> {
  const response = await fetch(`${baseUrl}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ agent, prompt }),
  });
  if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    return { status: response.status, error: (await response.json()) as Json, frames: [] };
  }
  const frames = parseFrames(await response.text());
  const session = frames.find((frame) => frame.event === "session")?.data["text"];
  const sessionId = typeof session === "string" ? session : undefined;
  const outcome: RunOutcome = { status: response.status, frames, last: frames.at(-1)?.event };
  if (sessionId !== undefined) {
    outcome.sessionId = sessionId;
    const systemPrompt = await transcriptSystemPrompt(baseUrl, sessionId);
    if (systemPrompt !== undefined) outcome.systemPrompt = systemPrompt;
  }
  const tools = contextTools(frames);
  if (tools !== undefined) outcome.tools = tools;
  return outcome;
}

/** `POST /v1/_<kind>def` with an op body; the status and JSON answer. */
export async function definitionOp(baseUrl: string, kind: string, body: Json): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${baseUrl}/v1/_${kind}def`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Json };
}
