import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchJson, readJson } from "../support/sse-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

describe.each<StoreKind>(["pglite", "postgres"])("channels over HTTP (%s)", (kind) => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let base: string;
  beforeAll(async () => {
    runtime = await startTestRuntime(kind, { channels: [{ name: "ops/alerts", description: "from yaml", max_messages: 5 }] });
    base = `${runtime.url}/v1/_channels`;
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("declares, lists, describes and deletes a channel whose name contains /", async () => {
    const created = await post(base, { name: "team/updates", description: "status", max_messages: 50, default_ttl: "1h" });
    expect(created.status).toBe(201);
    expect(await readJson(created)).toMatchObject({ name: "team/updates", scope: "global", default_ttl: 3600, max_messages: 50, message_count: 0, source: "runtime" });

    const again = await post(base, { name: "team/updates" });
    expect(again.status).toBe(409);
    expect(await readJson(again)).toMatchObject({ code: "channel_exists" });

    await post(`${base}/team/updates/publish`, { payload: { n: 1 } });
    const listed = await fetchJson(base);
    expect(listed.channels.map((channel: { name: string }) => channel.name)).toEqual(["ops/alerts", "team/updates"]);
    expect(listed.channels[1]).toMatchObject({ name: "team/updates", message_count: 1, description: "status" });
    expect(await fetchJson(`${base}/team/updates`)).toMatchObject({ name: "team/updates", message_count: 1 });

    expect((await fetch(`${base}/team/updates`, { method: "DELETE" })).status).toBe(204);
    const gone = await fetch(`${base}/team/updates`, { method: "DELETE" });
    expect(gone.status).toBe(404);
    expect((await readJson(gone)).error).toContain('unknown channel "team/updates"');
    expect((await fetchJson(base)).channels.map((channel: { name: string }) => channel.name)).toEqual(["ops/alerts"]);
  });

  it("declares the config file's channels at start-up and refuses to redeclare or delete them", async () => {
    expect(await fetchJson(`${base}/ops/alerts`)).toMatchObject({ name: "ops/alerts", description: "from yaml", max_messages: 5, source: "yaml" });
    for (const response of [await post(base, { name: "ops/alerts" }), await fetch(`${base}/ops/alerts`, { method: "DELETE" })]) {
      expect(response.status).toBe(409);
      expect(await readJson(response)).toMatchObject({ code: "channel_yaml_immutable" });
    }
    expect(await readJson(await post(`${base}/ops/alerts/publish`, { payload: "disk full" }))).toMatchObject({ msg_id: 1, channel: "ops/alerts" });
  });

  it("answers bad input with a 400 naming the field", async () => {
    const cases: [string, unknown, string][] = [
      [base, { description: "no name" }, "name"],
      [base, { name: "bad name!" }, "name"],
      [base, { name: "x/publish" }, "name"],
      [base, { name: "ok", scope: "planet" }, "scope"],
      [base, { name: "ok", default_ttl: "soon" }, "default_ttl"],
      [base, { name: "ok", semantic: "queue" }, "semantic"],
    ];
    for (const [url, body, field] of cases) {
      const response = await post(url, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await readJson(response)).error).toMatch(new RegExp(`^${field}`));
    }
    await post(base, { name: "inputs" });
    const bad: [string, unknown, string][] = [
      [`${base}/inputs/publish`, {}, "payload"],
      [`${base}/inputs/subscribe`, { max_messages: 101 }, "max_messages"],
      [`${base}/inputs/subscribe`, { from_cursor: "latest" }, "from_cursor"],
      [`${base}/inputs/subscribe`, { scope_id: "u1" }, "scope_id"],
      [`${base}/inputs/ack`, {}, "cursor"],
      [`${base}/inputs/ack`, { cursor: "cur_7" }, "cursor"],
    ];
    for (const [url, body, field] of bad) {
      const response = await post(url, body);
      expect(response.status, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect((await readJson(response)).error).toMatch(new RegExp(`^${field}`));
    }
    expect((await readJson(await post(`${base}/inputs/publish`, {}))).error).toBe("payload: required (any JSON value)");
    expect(await readJson(await post(`${base}/inputs/publish`, { payload: null }))).toMatchObject({ msg_id: 1 });
    const peek = await fetch(`${base}/inputs/peek?max_messages=0`);
    expect(peek.status).toBe(400);
    expect((await readJson(peek)).error).toMatch(/^max_messages/);
  });

  it("refuses to publish to an undeclared channel, naming it", async () => {
    const response = await post(`${base}/nowhere/publish`, { payload: 1 });
    expect(response.status).toBe(404);
    expect((await readJson(response)).error).toContain('unknown channel "nowhere"');
  });

  it("subscribes with auto-commit, peeks without committing, replays from cur_0, refuses an ack regression", async () => {
    await post(base, { name: "cursors" });
    for (const n of [1, 2, 3]) expect(await readJson(await post(`${base}/cursors/publish`, { payload: { n } }))).toMatchObject({ msg_id: n, channel: "cursors" });

    const peeked = await fetchJson(`${base}/cursors/peek?max_messages=2`);
    expect(peeked.messages.map((m: { value: unknown }) => m.value)).toEqual([{ n: 1 }, { n: 2 }]);
    const first = await readJson(await post(`${base}/cursors/subscribe`, { max_messages: 2 }));
    expect(first.messages.map((m: { id: number }) => m.id)).toEqual([1, 2]);
    expect(first.next_cursor).toBe("cur_2");
    const second = await readJson(await post(`${base}/cursors/subscribe`, {}));
    expect(second).toMatchObject({ channel: "cursors", next_cursor: "cur_3", messages: [{ id: 3, value: { n: 3 } }] });
    expect((await readJson(await post(`${base}/cursors/subscribe`, {}))).messages).toEqual([]);

    // Another subscriber has its own cursor.
    const other = await readJson(await post(`${base}/cursors/subscribe`, { subscriber: "audit", max_messages: 100 }));
    expect(other.messages).toHaveLength(3);

    const replay = await readJson(await post(`${base}/cursors/subscribe`, { from_cursor: "cur_0" }));
    expect(replay.messages.map((m: { id: number }) => m.id)).toEqual([1, 2, 3]);

    const regression = await post(`${base}/cursors/ack`, { cursor: "cur_1", subscriber: "audit" });
    expect(regression.status).toBe(409);
    expect(await readJson(regression)).toMatchObject({ code: "channel_cursor_regression" });
    expect(await readJson(await post(`${base}/cursors/ack`, { cursor: "cur_3", subscriber: "audit" }))).toEqual({ ok: true });
    expect(await readJson(await post(`${base}/cursors/ack`, { cursor: "cur_1", subscriber: "late" }))).toEqual({ ok: true });
    expect((await readJson(await post(`${base}/cursors/subscribe`, { subscriber: "late" }))).messages.map((m: { id: number }) => m.id)).toEqual([2, 3]);
  });

  it("keeps per-user partitions apart, through scope_id and the /v1/users/{user_id}/channels routes", async () => {
    await post(base, { name: "inbox", scope: "user" });
    const users = `${runtime.url}/v1/users`;
    expect(await readJson(await post(`${users}/u-1/channels/inbox/publish`, { payload: "for u-1" }))).toMatchObject({ msg_id: 1, channel: "inbox" });
    expect(await readJson(await post(`${base}/inbox/publish`, { payload: "for u-2", scope_id: "u-2" }))).toMatchObject({ msg_id: 1 });
    expect((await fetchJson(`${users}/u-1/channels/inbox/peek`)).messages.map((m: { value: unknown }) => m.value)).toEqual(["for u-1"]);
    const u2 = await readJson(await post(`${base}/inbox/subscribe`, { scope_id: "u-2" }));
    expect(u2).toMatchObject({ messages: [{ id: 1, value: "for u-2" }], next_cursor: "cur_1" });
    expect(await readJson(await post(`${users}/u-1/channels/inbox/subscribe`, {}))).toMatchObject({ messages: [{ value: "for u-1" }], next_cursor: "cur_1" });
    expect(await readJson(await post(`${users}/u-1/channels/inbox/ack`, { cursor: "cur_1" }))).toEqual({ ok: true });

    const missing = await post(`${base}/inbox/subscribe`, {});
    expect(missing.status).toBe(400);
    expect((await readJson(missing)).error).toBe('scope_id: channel "inbox" is user-scoped; set scope_id to the user id');
    const badUser = await post(`${users}/not%20a%20user/channels/inbox/publish`, { payload: 1 });
    expect(badUser.status).toBe(400);
    expect((await readJson(badUser)).error).toMatch(/^user_id: /);
  });

  it("trims the oldest messages past max_messages and hides expired ones", async () => {
    await post(base, { name: "small", max_messages: 2 });
    for (const n of [1, 2, 3]) await post(`${base}/small/publish`, { payload: n });
    const kept = await readJson(await post(`${base}/small/subscribe`, { from_cursor: "cur_0" }));
    expect(kept.messages.map((m: { id: number; value: unknown }) => [m.id, m.value])).toEqual([
      [2, 2],
      [3, 3],
    ]);

    await post(base, { name: "short", default_ttl: 0.05 });
    await post(`${base}/short/publish`, { payload: "fleeting" });
    await post(`${base}/short/publish`, { payload: "kept", ttl: 3600 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await fetchJson(`${base}/short/peek`)).messages.map((m: { value: unknown }) => m.value)).toEqual(["kept"]);
  });

  it("wakes a long-polling subscriber as soon as a message is published", async () => {
    await post(base, { name: "waiting" });
    const started = Date.now();
    const pending = post(`${base}/waiting/subscribe`, { wait_ms: 20_000 }).then(readJson);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await post(`${base}/waiting/publish`, { payload: "ping" });
    const answer = await pending;
    expect(answer.messages.map((m: { value: unknown }) => m.value)).toEqual(["ping"]);
    expect(Date.now() - started).toBeLessThan(5_000);

    const timedOut = Date.now();
    const empty = await readJson(await post(`${base}/waiting/subscribe`, { wait_ms: 300 }));
    expect(empty).toMatchObject({ messages: [], next_cursor: "cur_1" });
    expect(Date.now() - timedOut).toBeGreaterThanOrEqual(250);
  });

  it("finds a message another process published (straight into the store) by re-reading while it waits", async () => {
    await post(base, { name: "elsewhere" });
    const started = Date.now();
    const pending = post(`${base}/elsewhere/subscribe`, { wait_ms: 20_000 }).then(readJson);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await runtime.store.channels.publish({ tenant_id: "default", channel: "elsewhere", scope: "global", scope_id: "" }, { from: "replica-2" }, { ttlMs: null, dedupeKey: null });
    expect((await pending).messages.map((m: { value: unknown }) => m.value)).toEqual([{ from: "replica-2" }]);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
