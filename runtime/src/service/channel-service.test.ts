import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteStore } from "../store/index.ts";
import type { Store } from "../store/index.ts";
import { ChannelService } from "./channel-service.ts";

const agents = { get: (): { channels?: undefined } => ({}) };

describe("ChannelService long-poll and cursors", () => {
  let store: Store;
  beforeAll(async () => {
    store = await createPgliteStore({ memory: true });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("wakes a waiting subscriber on an in-process publish, long before its store re-check", async () => {
    // The re-check is a minute away: only the in-process wake-up can deliver in time.
    const channels = new ChannelService({ store, agents, recheckMs: 60_000 });
    await channels.declare("t1", { name: "wake" });
    const started = Date.now();
    const waiting = channels.subscribe({ tenantId: "t1", channel: "wake", scopeId: "", subscriber: "s", waitMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await channels.publish({ tenantId: "t1", channel: "wake", scopeId: "", payload: "now" });
    expect((await waiting).messages.map((message) => message.value)).toEqual(["now"]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("does not wake for another partition, and returns empty at the deadline", async () => {
    const channels = new ChannelService({ store, agents, recheckMs: 60_000 });
    await channels.declare("t1", { name: "per-agent", scope: "agent" });
    const started = Date.now();
    const waiting = channels.subscribe({ tenantId: "t1", channel: "per-agent", scopeId: "a", subscriber: "s", waitMs: 400 });
    await channels.publish({ tenantId: "t1", channel: "per-agent", scopeId: "b", payload: "not for a" });
    expect(await waiting).toMatchObject({ scope: "agent", scope_id: "a", messages: [], next_cursor: "cur_0" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  it("caps wait_ms at the long-poll cap and stops waiting when the caller aborts", async () => {
    const channels = new ChannelService({ store, agents, longPollCapMs: 200 });
    await channels.declare("t1", { name: "capped" });
    const started = Date.now();
    await channels.subscribe({ tenantId: "t1", channel: "capped", scopeId: "", subscriber: "s", waitMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(1_500);

    const controller = new AbortController();
    const uncapped = new ChannelService({ store, agents });
    const aborted = uncapped.subscribe({ tenantId: "t1", channel: "capped", scopeId: "", subscriber: "s", waitMs: 30_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect((await aborted).messages).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("publishes once per dedupe key (a resumed run re-executing its tool call)", async () => {
    const channels = new ChannelService({ store, agents });
    await channels.declare("t1", { name: "dedupe", max_messages: 10 });
    const first = await channels.publish({ tenantId: "t1", channel: "dedupe", scopeId: "", payload: "a", dedupeKey: "run_1:toolu_1" });
    const again = await channels.publish({ tenantId: "t1", channel: "dedupe", scopeId: "", payload: "a", dedupeKey: "run_1:toolu_1" });
    const other = await channels.publish({ tenantId: "t1", channel: "dedupe", scopeId: "", payload: "b", dedupeKey: "run_1:toolu_2" });
    expect([first.msg_id, first.duplicate, again.msg_id, again.duplicate, other.msg_id]).toEqual([1, false, 1, true, 2]);
    expect(again.created_at).toBe(first.created_at);
    const all = await channels.peek({ tenantId: "t1", channel: "dedupe", scopeId: "", subscriber: "s", fromCursor: "cur_0" });
    expect(all.messages.map((message) => message.value)).toEqual(["a", "b"]);
  });

  it("never hands one message to two concurrent subscribers of the same name (at-most-once)", async () => {
    const channels = new ChannelService({ store, agents });
    await channels.declare("t1", { name: "race" });
    for (let n = 1; n <= 20; n += 1) await channels.publish({ tenantId: "t1", channel: "race", scopeId: "", payload: n });
    const reads = await Promise.all(Array.from({ length: 8 }, () => channels.subscribe({ tenantId: "t1", channel: "race", scopeId: "", subscriber: "worker", maxMessages: 3 })));
    const ids = reads.flatMap((read) => read.messages.map((message) => message.id));
    expect(new Set(ids).size).toBe(ids.length);
    const rest = await channels.subscribe({ tenantId: "t1", channel: "race", scopeId: "", subscriber: "worker", maxMessages: 100 });
    expect([...ids, ...rest.messages.map((message) => message.id)].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
  });
});

describe("ChannelService tenants", () => {
  let store: Store;
  beforeAll(async () => {
    store = await createPgliteStore({ memory: true });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("keeps two tenants' channels of one name apart: declarations, messages, cursors and wake-ups", async () => {
    const channels = new ChannelService({ store, agents, recheckMs: 60_000 });
    await channels.declare("acme", { name: "news" });
    await expect(channels.publish({ tenantId: "globex", channel: "news", scopeId: "", payload: "x" })).rejects.toThrow('unknown channel "news" (none are declared)');
    await channels.declare("globex", { name: "news", description: "globex's own" });
    const waiting = channels.subscribe({ tenantId: "globex", channel: "news", scopeId: "", subscriber: "s", waitMs: 400 });
    await channels.publish({ tenantId: "acme", channel: "news", scopeId: "", payload: "acme only" });
    expect((await waiting).messages).toEqual([]);
    expect((await channels.peek({ tenantId: "acme", channel: "news", scopeId: "", subscriber: "s" })).messages.map((message) => message.value)).toEqual(["acme only"]);
    expect((await channels.list("globex")).map((channel) => [channel.name, channel.description, channel.message_count])).toEqual([["news", "globex's own", 0]]);
    await channels.delete("globex", "news");
    expect((await channels.describe("acme", "news")).message_count).toBe(1);
  });

  it("declares the config file's channels in every tenant, each with its own messages", async () => {
    const channels = new ChannelService({ store, agents });
    await channels.declareFromConfig([{ name: "ops/alerts", scope: "global" }]);
    await channels.publish({ tenantId: "acme", channel: "ops/alerts", scopeId: "", payload: "a" });
    expect((await channels.describe("globex", "ops/alerts")).message_count).toBe(0);
    expect((await channels.describe("acme", "ops/alerts"))).toMatchObject({ source: "yaml", message_count: 1 });
  });
});

