import { describe, expect, it } from "vitest";
import { AppError } from "../../../domain/index.ts";
import type { ChannelDescriptor } from "../../../domain/index.ts";
import { toolContext } from "../../../../test/support/tool-context.ts";
import { grantCovers } from "./channel-acl.ts";
import type { ChannelGrants, ChannelPort } from "./channel-port.ts";
import { createChannelTool } from "./channel-tool.ts";

function descriptor(name: string, scope: ChannelDescriptor["scope"]): ChannelDescriptor {
  const now = new Date(0).toISOString();
  return { name, description: "", scope, default_ttl: 0, max_messages: 0, message_count: 0, oldest_visible_at: null, newest_visible_at: null, source: "runtime", created_at: now };
}

/** A port over two declared channels that records what the tool asked for. */
function fakePort(grants: ChannelGrants): ChannelPort & { calls: unknown[] } {
  const channels = [descriptor("team/updates", "global"), descriptor("inbox", "user"), descriptor("notes", "agent")];
  const calls: unknown[] = [];
  const seen = new Set<string>();
  const find = (name: string): ChannelDescriptor => {
    const found = channels.find((channel) => channel.name === name);
    if (found === undefined) throw new AppError("NOT_FOUND", `unknown channel "${name}"`);
    return found;
  };
  return {
    calls,
    grantsFor: () => grants,
    scopeOf: (_tenantId, name) => Promise.resolve(find(name).scope),
    list: () => Promise.resolve(channels),
    publish: (request) => {
      calls.push(request);
      const scope = find(request.channel).scope;
      const duplicate = seen.has(request.dedupeKey ?? "");
      seen.add(request.dedupeKey ?? "");
      return Promise.resolve({ msg_id: 7, duplicate, channel: request.channel, scope, scope_id: request.scopeId, created_at: "t", dropped_oldest: 1 });
    },
    subscribe: (request) => {
      calls.push(request);
      const messages = [{ id: 4, value: { text: "x".repeat(300) }, published_at: "t" }];
      return Promise.resolve({ channel: request.channel, scope: find(request.channel).scope, scope_id: request.scopeId, messages, next_cursor: "cur_4" });
    },
    peek: () => Promise.reject(new Error("connection refused")),
    ack: () => Promise.reject(new AppError("CHANNEL_CURSOR_REGRESSION", "cursor cur_1 is behind the committed cursor cur_4")),
  };
}

const granted: ChannelGrants = { publish: ["team/*", "inbox", "notes"], subscribe: ["team/*", "inbox"] };

describe("Channel tool", () => {
  it("matches exact grants and trailing /* patterns only", () => {
    expect(grantCovers("team/*", "team/updates")).toBe(true);
    expect(grantCovers("team/*", "team/a/b")).toBe(true);
    expect(grantCovers("team/*", "teams/x")).toBe(false);
    expect(grantCovers("team/*", "team")).toBe(false);
    expect(grantCovers("inbox", "inbox2")).toBe(false);
  });

  it("refuses a channel the agent was not granted, saying what it may use", async () => {
    const tool = createChannelTool(fakePort(granted));
    const result = await tool.execute({ op: "subscribe", channel: "notes" }, toolContext({ agent: "writer" }));
    expect(result).toEqual({
      is_error: true,
      text:
        'Channel: agent "writer" may not subscribe to "notes"; it may subscribe to: team/*, inbox. ' +
        "An operator grants more in the agent's channels.subscribe (exact names or a trailing /*).",
    });
    const none = await createChannelTool(fakePort({ publish: [], subscribe: [] })).execute({ op: "publish", channel: "inbox", value: 1 }, toolContext());
    expect(none.text).toContain("it may publish to: no channel");
  });

  it("derives the scope id from the run and emits channel_publish with a preview", async () => {
    const port = fakePort(granted);
    const context = toolContext({ agent: "writer", userId: "u-1" });
    const result = await createChannelTool(port).execute({ op: "publish", channel: "inbox", value: { a: 1 }, ttl: "1m" }, context);
    expect(JSON.parse(result.text)).toEqual({ msg_id: 7, channel: "inbox", created_at: "t", dropped_oldest: 1 });
    expect(port.calls).toEqual([{ tenantId: "default", channel: "inbox", scopeId: "u-1", payload: { a: 1 }, ttlMs: 60_000, dedupeKey: "run_test:toolu_test" }]);
    expect(context.emitted).toEqual([
      {
        type: "channel_publish",
        channel: { channel: "inbox", message_id: 7, scope: "user", scope_id: "u-1", payload_bytes: 7, payload_preview: '{"a":1}', dropped_oldest: 1, cursor: "cur_7" },
      },
    ]);
    await createChannelTool(port).execute({ op: "publish", channel: "notes", value: 1 }, toolContext({ agent: "writer", callId: "toolu_2", tenantId: "acme" }));
    // The run's tenant keys the partition: the model never names a tenant.
    expect(port.calls[1]).toMatchObject({ tenantId: "acme", channel: "notes", scopeId: "writer" });
    // The same call executed again (a resumed run) publishes nothing new and emits no second event.
    const again = await createChannelTool(port).execute({ op: "publish", channel: "inbox", value: { a: 1 } }, context);
    expect(JSON.parse(again.text)).toMatchObject({ msg_id: 7 });
    expect(context.emitted).toHaveLength(1);
  });

  it("refuses a per-user channel in a run without a user, and a bad ttl", async () => {
    const tool = createChannelTool(fakePort(granted));
    const noUser = await tool.execute({ op: "publish", channel: "inbox", value: 1 }, toolContext());
    expect(noUser).toEqual({ is_error: true, text: 'Channel: "inbox" is a per-user channel and this run has no user_id; it works in runs started with a user_id' });
    const ttl = await tool.execute({ op: "publish", channel: "team/x", value: 1, ttl: "soon" }, toolContext());
    expect(ttl.text).toBe('Channel publish: ttl: expected seconds or a duration like 90s, 5m, 1h; got "soon"');
    expect((await tool.execute({ op: "publish", channel: "team/x" }, toolContext())).text).toBe("Channel: value: required (the message, any JSON value)");
  });

  it("subscribes as the agent and emits one channel_delivery per message, preview cut to 200 characters", async () => {
    const port = fakePort(granted);
    const context = toolContext({ agent: "writer" });
    const result = await createChannelTool(port).execute({ op: "subscribe", channel: "team/updates", wait_ms: 50 }, context);
    expect(JSON.parse(result.text)).toMatchObject({ channel: "team/updates", next_cursor: "cur_4", messages: [{ id: 4 }] });
    expect(port.calls[0]).toMatchObject({ channel: "team/updates", scopeId: "", subscriber: "writer", waitMs: 50 });
    const [event] = context.emitted as { type: string; channel: { payload_preview: string; payload_bytes: number; cursor: string } }[];
    expect(event?.type).toBe("channel_delivery");
    expect(event?.channel.payload_preview).toHaveLength(200);
    expect(event?.channel.payload_bytes).toBe(311);
    expect(event?.channel.cursor).toBe("cur_4");
  });

  it("turns service and store failures and bad input into readable tool errors", async () => {
    const tool = createChannelTool(fakePort(granted));
    expect(await tool.execute({ op: "ack", channel: "inbox", cursor: "cur_1" }, toolContext({ userId: "u" }))).toEqual({
      is_error: true,
      text: "Channel ack: cursor cur_1 is behind the committed cursor cur_4",
    });
    expect((await tool.execute({ op: "peek", channel: "team/updates" }, toolContext())).text).toBe(
      "Channel peek: the channel store failed (connection refused); try again later",
    );
    expect((await tool.execute({ op: "publish", channel: "team/none", value: 1 }, toolContext())).text).toBe('Channel publish: unknown channel "team/none"');
    expect((await tool.execute({ op: "shout" }, toolContext())).text).toBe("Channel: op: expected one of publish, subscribe, peek, ack, list_channels");
    expect((await tool.execute({ op: "subscribe" }, toolContext())).text).toMatch(/^Channel: channel: /);
    expect((await tool.execute({ op: "peek", channel: "team/a", max_messages: 500 }, toolContext())).text).toMatch(/^Channel: max_messages: /);
  });

  it("lists only the channels the agent may use, with its access", async () => {
    const result = await createChannelTool(fakePort({ publish: ["notes"], subscribe: ["team/*"] })).execute({ op: "list_channels" }, toolContext());
    expect(JSON.parse(result.text).channels).toEqual([
      { name: "team/updates", description: "", scope: "global", publish: false, subscribe: true },
      { name: "notes", description: "", scope: "agent", publish: true, subscribe: false },
    ]);
  });
});
