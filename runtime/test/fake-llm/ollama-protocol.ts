/**
 * Ollama API: `POST /api/chat` (NDJSON lines when `stream` is not false), `GET /api/tags`,
 * `GET /api/ps`, `POST /api/show`, `GET /api/version`.
 * @see https://github.com/ollama/ollama/blob/main/docs/api.md
 */
import type { FakeStopReason } from "./types.ts";
import type { ResolvedReply } from "./script.ts";
import type { Answer, EncodedBody, ProtocolCall, ProtocolHandler } from "./protocol.ts";
import { asRecord, jsonBody, requestModel } from "./protocol.ts";

type Message = Record<string, unknown>;

/** Content type of Ollama's streamed lines. */
const NDJSON_CONTENT_TYPE = "application/x-ndjson";

/** Fixed timestamp so recorded outputs are stable. */
const CREATED_AT = "2024-01-01T00:00:00.000000Z";

/** Context window `/api/ps` and `/api/show` report for every fake model. */
const CONTEXT_LENGTH = 32_768;

/** Ollama's `done_reason` per normalized stop reason (a tool call ends with "stop"). */
const DONE_REASONS: Record<FakeStopReason, string> = {
  end_turn: "stop",
  max_tokens: "length",
  tool_use: "stop",
  stop_sequence: "stop",
};

/** Model details Ollama reports for a local model. */
const DETAILS = {
  parent_model: "",
  format: "gguf",
  family: "llama",
  families: ["llama"],
  parameter_size: "1B",
  quantization_level: "Q4_K_M",
};

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

function toolCalls(reply: ResolvedReply): Message[] {
  return reply.toolCalls.map((call) => ({ function: { name: call.name, arguments: call.input } }));
}

/** The message of each streamed line: thinking words, text words, then all tool calls in one line. */
function messages(reply: ResolvedReply): Message[] {
  const list: Message[] = [
    ...reply.thinkingChunks.map((thinking) => ({ role: "assistant", content: "", thinking })),
    ...reply.textChunks.map((content) => ({ role: "assistant", content })),
  ];
  if (reply.toolCalls.length > 0) list.push({ role: "assistant", content: "", tool_calls: toolCalls(reply) });
  return list;
}

function doneFields(reply: ResolvedReply): Record<string, unknown> {
  return {
    done: true,
    done_reason: DONE_REASONS[reply.stopReason],
    total_duration: 1_000_000,
    load_duration: 1000,
    prompt_eval_count: reply.usage.input,
    prompt_eval_duration: 1000,
    eval_count: reply.usage.output,
    eval_duration: 1000,
  };
}

function encodeStream(reply: ResolvedReply): EncodedBody {
  const head = { model: reply.model, created_at: CREATED_AT };
  const chunks = messages(reply).map((message) => line({ ...head, message, done: false }));
  chunks.push(line({ ...head, message: { role: "assistant", content: "" }, ...doneFields(reply) }));
  return { contentType: NDJSON_CONTENT_TYPE, chunks };
}

function encodeResponse(reply: ResolvedReply): EncodedBody {
  const message: Message = { role: "assistant", content: reply.textChunks.join("") };
  if (reply.thinkingChunks.length > 0) message.thinking = reply.thinkingChunks.join("");
  if (reply.toolCalls.length > 0) message.tool_calls = toolCalls(reply);
  return jsonBody({ model: reply.model, created_at: CREATED_AT, message, ...doneFields(reply) });
}

function modelEntry(name: string): Record<string, unknown> {
  return { name, model: name, modified_at: CREATED_AT, size: 1_000_000, digest: `sha256-${name}`, details: DETAILS };
}

function show(body: unknown): Record<string, unknown> {
  return {
    modelfile: `FROM ${requestModel(body)}`,
    parameters: "",
    template: "{{ .Prompt }}",
    details: DETAILS,
    model_info: { "general.architecture": "llama", "llama.context_length": CONTEXT_LENGTH },
    capabilities: ["completion", "tools", "thinking"],
    modified_at: CREATED_AT,
  };
}

function fixedAnswer(call: ProtocolCall): Answer | undefined {
  const route = `${call.method} ${call.pathname}`;
  if (route === "GET /api/tags") return { kind: "json", body: { models: call.models.map((name) => modelEntry(name)) } };
  if (route === "GET /api/ps") {
    const models = call.models.map((name) => ({
      ...modelEntry(name),
      expires_at: "2099-01-01T00:00:00Z",
      size_vram: 1_000_000,
      context_length: CONTEXT_LENGTH,
    }));
    return { kind: "json", body: { models } };
  }
  if (route === "POST /api/show") return { kind: "json", body: show(call.body) };
  if (route === "GET /api/version") return { kind: "json", body: { version: "0.12.0" } };
  return undefined;
}

function answer(call: ProtocolCall): Answer | undefined {
  if (call.method === "POST" && call.pathname === "/api/chat") {
    const encode = asRecord(call.body).stream === false ? encodeResponse : encodeStream;
    return { kind: "generate", model: requestModel(call.body), encode };
  }
  return fixedAnswer(call);
}

/** The Ollama API protocol. */
export const ollamaProtocol: ProtocolHandler = {
  protocol: "ollama",
  answer,
  errorBody: (_status, message) => ({ error: message }),
};
