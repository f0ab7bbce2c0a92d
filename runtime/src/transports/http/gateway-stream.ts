import type { FastifyReply } from "fastify";
import type { GatewayPart, GatewayRequest, LlmGateway } from "../../service/index.ts";
import type { Principal } from "../../domain/index.ts";

/** A gateway stream whose first part has arrived: errors before it (bad model, provider down) are still a plain HTTP error. */
export interface OpenedStream {
  first: GatewayPart | undefined;
  rest: AsyncIterator<GatewayPart>;
}

/** An AbortSignal that fires when the client goes away. */
export function replySignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on("close", () => controller.abort());
  return controller.signal;
}

/** Starts a gateway stream and waits for its first part, so a failure before any output throws here. */
export async function openGatewayStream(gateway: LlmGateway, call: { request: GatewayRequest; principal: Principal; signal: AbortSignal }): Promise<OpenedStream> {
  const rest = gateway.stream(call.request, call.principal, call.signal)[Symbol.asyncIterator]();
  const first = await rest.next();
  return { first: first.done === true ? undefined : first.value, rest };
}

/** Every part of an opened stream, the first included. */
export async function* allParts(opened: OpenedStream): AsyncGenerator<GatewayPart> {
  if (opened.first !== undefined) yield opened.first;
  for (let next = await opened.rest.next(); next.done !== true; next = await opened.rest.next()) yield next.value;
}
