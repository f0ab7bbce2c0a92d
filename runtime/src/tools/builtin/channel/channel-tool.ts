import { CHANNEL_PREVIEW_CHARS, formatCursor, isAppError, parseTtlMs } from "../../../domain/index.ts";
import type { ChannelDelivery, ChannelEventInfo, ChannelPublished, ChannelScope } from "../../../domain/index.ts";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { isRefusal, parseInput, refuse, succeed } from "../fs/tool-input.ts";
import { aclRefusal, mayUse } from "./channel-acl.ts";
import type { ChannelAccess } from "./channel-acl.ts";
import { CHANNEL_INPUT_SCHEMA, ChannelInput } from "./channel-input.ts";
import type { ChannelPort } from "./channel-port.ts";

type OpInput<Op extends ChannelInput["op"]> = Extract<ChannelInput, { op: Op }>;

interface OpContext {
  port: ChannelPort;
  context: ToolContext;
}

/**
 * Channel: durable pub/sub with other agents and apps. Default deny: the agent's
 * `channels: {publish, subscribe}` names what it may use. The scope id of a partition comes
 * from the run (user → user id, agent → agent name, global → ""), never from the model; the
 * agent subscribes under its own name, so its cursor survives restarts and is its own.
 */
export function createChannelTool(port: ChannelPort): Tool {
  return {
    name: "Channel",
    // publish is deduplicated on run_id:call_id, peek/ack/list read or set a cursor; subscribe commits a cursor as it reads (at-most-once).
    idempotent: (input) => input["op"] !== "subscribe",
    description:
      "Durable pub/sub with other agents and apps. op=publish{channel, value, ttl?} posts a message; " +
      "op=subscribe{channel, from_cursor?, max_messages?, wait_ms?} takes the next messages and commits your cursor " +
      "(at-most-once; wait_ms long-polls); op=peek{channel, from_cursor?, max_messages?} reads without committing; " +
      "op=ack{channel, cursor} moves your cursor forward; op=list_channels lists the channels you may use.",
    inputSchema: CHANNEL_INPUT_SCHEMA,
    async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
      const parsed = parseInput("Channel", ChannelInput, input);
      if (isRefusal(parsed)) return parsed;
      try {
        return await runOp(parsed, { port, context });
      } catch (error) {
        if (isAppError(error) && error.code !== "INTERNAL") return refuse(`Channel ${parsed.op}: ${error.message}`);
        return refuse(`Channel ${parsed.op}: the channel store failed (${error instanceof Error ? error.message : String(error)}); try again later`);
      }
    },
  };
}

function runOp(input: ChannelInput, ops: OpContext): Promise<ToolResult> {
  switch (input.op) {
    case "publish":
      return publish(input, ops);
    case "subscribe":
      return subscribe(input, ops);
    case "peek":
      return peek(input, ops);
    case "ack":
      return ack(input, ops);
    case "list_channels":
      return listChannels(ops);
  }
}

async function publish(input: OpInput<"publish">, ops: OpContext): Promise<ToolResult> {
  const ttlMs = input.ttl === undefined ? null : parseTtlMs(input.ttl);
  if (ttlMs === null && input.ttl !== undefined) return refuse(`Channel publish: ttl: expected seconds or a duration like 90s, 5m, 1h; got ${JSON.stringify(input.ttl)}`);
  const scopeId = await partitionFor(input.channel, "publish", ops);
  if (isRefusal(scopeId)) return scopeId;
  const value = input.value;
  // A resumed run re-executes a call with the same id: the dedupe key makes that publish once.
  const dedupeKey = `${ops.context.runId}:${ops.context.callId}`;
  const published = await ops.port.publish({ tenantId: ops.context.tenantId, channel: input.channel, scopeId, payload: value, dedupeKey, ...(ttlMs === null ? {} : { ttlMs }) });
  if (!published.duplicate) ops.context.emit({ type: "channel_publish", channel: publishInfo(published, value) });
  return succeed(JSON.stringify({ msg_id: published.msg_id, channel: published.channel, created_at: published.created_at, dropped_oldest: published.dropped_oldest }));
}

async function subscribe(input: OpInput<"subscribe">, ops: OpContext): Promise<ToolResult> {
  const scopeId = await partitionFor(input.channel, "subscribe", ops);
  if (isRefusal(scopeId)) return scopeId;
  const delivery = await ops.port.subscribe({
    ...readRequest(input, scopeId, ops.context),
    ...(input.wait_ms === undefined ? {} : { waitMs: input.wait_ms }),
    signal: ops.context.signal,
  });
  for (const message of delivery.messages) ops.context.emit({ type: "channel_delivery", channel: deliveryInfo(delivery, message) });
  return succeed(JSON.stringify(deliveryResult(delivery)));
}

async function peek(input: OpInput<"peek">, ops: OpContext): Promise<ToolResult> {
  const scopeId = await partitionFor(input.channel, "subscribe", ops);
  if (isRefusal(scopeId)) return scopeId;
  return succeed(JSON.stringify(deliveryResult(await ops.port.peek(readRequest(input, scopeId, ops.context)))));
}

async function ack(input: OpInput<"ack">, ops: OpContext): Promise<ToolResult> {
  const scopeId = await partitionFor(input.channel, "subscribe", ops);
  if (isRefusal(scopeId)) return scopeId;
  await ops.port.ack({ tenantId: ops.context.tenantId, channel: input.channel, scopeId, subscriber: ops.context.agent, cursor: input.cursor });
  return succeed(JSON.stringify({ ok: true, cursor: input.cursor }));
}

async function listChannels(ops: OpContext): Promise<ToolResult> {
  const grants = ops.port.grantsFor(ops.context.agent, ops.context.tenantId);
  const channels = (await ops.port.list(ops.context.tenantId)).flatMap((channel) => {
    const access = { publish: mayUse(grants, "publish", channel.name), subscribe: mayUse(grants, "subscribe", channel.name) };
    return access.publish || access.subscribe ? [{ name: channel.name, description: channel.description, scope: channel.scope, ...access }] : [];
  });
  return succeed(JSON.stringify({ channels, grants: { publish: grants.publish, subscribe: grants.subscribe } }));
}

/** Checks the ACL, then derives the scope id of the run's partition; a refusal when either fails. */
async function partitionFor(channel: string, access: ChannelAccess, ops: OpContext): Promise<string | ToolResult> {
  const { context } = ops;
  const refusal = aclRefusal({ grants: ops.port.grantsFor(context.agent, context.tenantId), access, channel, agent: context.agent });
  if (refusal !== null) return refuse(refusal);
  return scopeIdFor(await ops.port.scopeOf(context.tenantId, channel), channel, context);
}

function scopeIdFor(scope: ChannelScope, channel: string, context: ToolContext): string | ToolResult {
  if (scope === "global") return "";
  if (scope === "agent") return context.agent;
  if (context.userId !== null) return context.userId;
  return refuse(`Channel: "${channel}" is a per-user channel and this run has no user_id; it works in runs started with a user_id`);
}

function readRequest(
  input: { channel: string; from_cursor?: string | undefined; max_messages?: number | undefined },
  scopeId: string,
  context: ToolContext,
): { tenantId: string; channel: string; scopeId: string; subscriber: string; fromCursor?: string; maxMessages?: number } {
  return {
    tenantId: context.tenantId,
    channel: input.channel,
    scopeId,
    subscriber: context.agent,
    ...(input.from_cursor === undefined ? {} : { fromCursor: input.from_cursor }),
    ...(input.max_messages === undefined ? {} : { maxMessages: input.max_messages }),
  };
}

function deliveryResult(delivery: ChannelDelivery): { channel: string; messages: ChannelDelivery["messages"]; next_cursor: string } {
  return { channel: delivery.channel, messages: delivery.messages, next_cursor: delivery.next_cursor };
}

function preview(value: unknown): { payload_bytes: number; payload_preview: string } {
  const json = JSON.stringify(value) ?? "null";
  return { payload_bytes: Buffer.byteLength(json), payload_preview: json.slice(0, CHANNEL_PREVIEW_CHARS) };
}

function publishInfo(published: ChannelPublished, value: unknown): ChannelEventInfo {
  return {
    channel: published.channel,
    message_id: published.msg_id,
    scope: published.scope,
    scope_id: published.scope_id,
    ...preview(value),
    dropped_oldest: published.dropped_oldest,
    cursor: formatCursor(published.msg_id),
  };
}

function deliveryInfo(delivery: ChannelDelivery, message: ChannelDelivery["messages"][number]): ChannelEventInfo {
  return {
    channel: delivery.channel,
    message_id: message.id,
    scope: delivery.scope,
    scope_id: delivery.scope_id,
    ...preview(message.value),
    dropped_oldest: 0,
    cursor: formatCursor(message.id),
  };
}
