import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { FakeError, FakeLlm, FakeProtocol, FakeReply, RecordedRequest } from "./types.ts";
import { ScriptBook, resolveReply } from "./script.ts";
import type { Answer, ProtocolHandler } from "./protocol.ts";
import { anthropicProtocol } from "./anthropic-protocol.ts";
import { openaiProtocol } from "./openai-protocol.ts";
import { geminiProtocol } from "./gemini-protocol.ts";
import { ollamaProtocol } from "./ollama-protocol.ts";
import { detectProtocol } from "./detect-protocol.ts";
import { flattenHeaders, readBody, sendChunks, sendJson } from "./http-io.ts";

const HANDLERS: Record<FakeProtocol, ProtocolHandler> = {
  anthropic: anthropicProtocol,
  openai: openaiProtocol,
  gemini: geminiProtocol,
  ollama: ollamaProtocol,
};

/** What each SDK appends its endpoint paths to: the OpenAI SDK's base URL includes `/v1`. */
const BASE_SUFFIXES: Record<FakeProtocol, string> = { anthropic: "", openai: "/v1", gemini: "", ollama: "" };

function isProtocol(value: string): value is FakeProtocol {
  return Object.hasOwn(HANDLERS, value);
}

/** Splits `/<scope>/rest` into the scope and `/rest`. */
function splitScope(pathname: string): { scope: string; pathname: string } {
  const match = /^\/([^/]*)(.*)$/.exec(pathname);
  return { scope: decodeURIComponent(match?.[1] ?? ""), pathname: match?.[2] || "/" };
}

function sendScriptedError(response: ServerResponse, options: { handler: ProtocolHandler; error: FakeError }): void {
  const { handler, error } = options;
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  const message = error.message ?? `scripted error ${error.status} from the fake LLM`;
  sendJson(response, { status: error.status, body: handler.errorBody(error.status, message), headers });
}

function sendNotFound(response: ServerResponse, options: { handler: ProtocolHandler | undefined; path: string }): void {
  const message = `the fake LLM has no endpoint ${options.path}`;
  const body = options.handler?.errorBody(404, message) ?? { error: { message } };
  sendJson(response, { status: 404, body });
}

/** The running server behind `startFakeLlm`. */
class FakeLlmServer implements FakeLlm {
  readonly requests: RecordedRequest[] = [];
  readonly url: string;
  readonly #server: Server;
  readonly #book = new ScriptBook();
  readonly #scopeProtocols = new Map<string, FakeProtocol>();
  #sequence = 0;

  constructor(server: Server) {
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      this.#handle(request, response).catch((error: unknown) => {
        if (response.headersSent) response.destroy();
        else sendJson(response, { status: 500, body: { error: { message: `fake LLM failure: ${String(error)}` } } });
      });
    });
  }

  baseUrl(protocol: FakeProtocol, scope: string = protocol): string {
    this.#scopeProtocols.set(scope, protocol);
    return `${this.url}/${encodeURIComponent(scope)}${BASE_SUFFIXES[protocol]}`;
  }

  script(protocol: FakeProtocol, replies: FakeReply[], scope: string = protocol): void {
    this.#scopeProtocols.set(scope, protocol);
    this.#book.enqueue(scope, replies);
  }

  setModels(models: string[], scope?: string): void {
    this.#book.setModels(models, scope);
  }

  reset(): void {
    // Scope → protocol hints stay: they come from baseUrl(), usually called once per client.
    this.#book.clear();
    this.requests.length = 0;
    this.#sequence = 0;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { recorded, pathname } = await this.#record(request);
    const { protocol, scope, method, path, body } = recorded;
    const handler = protocol === undefined ? undefined : HANDLERS[protocol];
    const answer = handler?.answer({ method, pathname, body, models: this.#book.models(scope) });
    if (handler === undefined || answer === undefined) return sendNotFound(response, { handler, path });
    if (answer.kind === "json") return sendJson(response, { status: answer.status ?? 200, body: answer.body });
    await this.#generate(response, { handler, answer, scope });
  }

  /** Reads, classifies and records a request. */
  async #record(
    request: IncomingMessage,
  ): Promise<{ recorded: Omit<RecordedRequest, "protocol"> & { protocol: FakeProtocol | undefined }; pathname: string }> {
    const url = new URL(request.url ?? "/", "http://fake-llm");
    const { scope, pathname } = splitScope(url.pathname);
    const headers = flattenHeaders(request);
    const body = await readBody(request);
    const scopeProtocol = this.#scopeProtocols.get(scope) ?? (isProtocol(scope) ? scope : undefined);
    const protocol = detectProtocol({ pathname, headers, scopeProtocol });
    const recorded = { protocol, scope, method: request.method ?? "GET", path: `${pathname}${url.search}`, headers, body };
    this.requests.push({ ...recorded, protocol: protocol ?? "openai" });
    return { recorded, pathname };
  }

  async #generate(
    response: ServerResponse,
    options: { handler: ProtocolHandler; answer: Extract<Answer, { kind: "generate" }>; scope: string },
  ): Promise<void> {
    const reply = this.#book.take(options.scope);
    if (reply.delayMs !== undefined) await sleep(reply.delayMs);
    if (reply.error !== undefined) return sendScriptedError(response, { handler: options.handler, error: reply.error });
    this.#sequence += 1;
    const resolved = resolveReply(reply, { sequence: this.#sequence, model: options.answer.model });
    await sendChunks(response, { body: options.answer.encode(resolved), cutAfterChunks: reply.cutAfterChunks });
  }
}

/**
 * Starts the wire-level fake LLM on a free port of 127.0.0.1. It speaks the real streaming
 * protocols of Anthropic, OpenAI, Gemini and Ollama, so the official SDKs run against it unchanged.
 */
export async function startFakeLlm(): Promise<FakeLlm> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return new FakeLlmServer(server);
}
