import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { PgControlBus } from "../../src/queue/index.ts";
import type { ControlMessage } from "../../src/queue/index.ts";
import { TEST_DATABASE_URL } from "../support/test-runtime.ts";

/** The Postgres LISTEN/NOTIFY adapter on its own: delivery, self-filtering, splitting, reconnect. */

const opened: PgControlBus[] = [];
afterEach(async () => {
  for (const bus of opened.splice(0)) await bus.close();
});

/** A channel of this test alone, so parallel test files never hear each other. */
const channel = (): string => `lc_test_ctl_${Math.random().toString(36).slice(2, 10)}`;

async function open(origin: string, shared: string, extra: { reconnectMs?: number } = {}): Promise<PgControlBus> {
  const bus = await PgControlBus.connect({ url: TEST_DATABASE_URL, origin, channel: shared, applicationName: `lc-test-${origin}`, ...extra });
  opened.push(bus);
  return bus;
}

function collect(bus: PgControlBus): ControlMessage[] {
  const seen: ControlMessage[] = [];
  bus.subscribe((message) => seen.push(message));
  return seen;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function notifyRaw(shared: string, payload: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query("select pg_notify($1, $2)", [shared, payload]);
  await client.end();
}

describe("PgControlBus", () => {
  it("delivers to the other process and not back to the sender; stray payloads on the channel are ignored", async () => {
    const shared = channel();
    const a = await open("a", shared);
    const b = await open("b", shared);
    const seenA = collect(a);
    const seenB = collect(b);
    await notifyRaw(shared, "not json");
    await notifyRaw(shared, JSON.stringify({ kind: "not_a_kind", origin: "x", request_id: "r" }));
    await a.publish({ kind: "cancel", request_id: "req-1", origin: "a", run_ids: ["run-1"] });
    await until(() => seenB.length > 0);
    expect(seenB).toEqual([{ kind: "cancel", request_id: "req-1", origin: "a", run_ids: ["run-1"] }]);
    expect(seenA).toEqual([]);
  });

  it("splits a cancel of many runs into notices that fit Postgres's payload limit, losing none", async () => {
    const shared = channel();
    const a = await open("a", shared);
    const seenB = collect(await open("b", shared));
    const runIds = Array.from({ length: 450 }, (_, index) => `run_${String(index).padStart(26, "0")}`);
    await a.publish({ kind: "cancel", request_id: "big", origin: "a", run_ids: runIds });
    await until(() => seenB.flatMap((message) => ("run_ids" in message ? message.run_ids : [])).length === runIds.length);
    expect(seenB.length).toBeGreaterThan(1);
    expect(seenB.flatMap((message) => ("run_ids" in message ? message.run_ids : []))).toEqual(runIds);
  });

  it("reconnects after its LISTEN connection is terminated, tells resync subscribers, and hears again", async () => {
    const shared = channel();
    const a = await open("a", shared);
    const b = await open("b", shared, { reconnectMs: 50 });
    const seenB = collect(b);
    let resyncs = 0;
    b.onResync(() => resyncs++);
    const pid = await b.listenerPid();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query("select pg_terminate_backend($1)", [pid]);
    await admin.end();
    await until(() => resyncs === 1);
    expect(await b.listenerPid()).not.toBe(pid);
    await a.publish({ kind: "token_changed", request_id: "t1", origin: "a" });
    await until(() => seenB.length === 1);
    expect(seenB[0]).toMatchObject({ kind: "token_changed" });
  });

  it("refuses to start when Postgres cannot be reached", async () => {
    await expect(PgControlBus.connect({ url: "postgres://postgres@127.0.0.1:1/postgres", origin: "x" })).rejects.toThrow();
  });
});
