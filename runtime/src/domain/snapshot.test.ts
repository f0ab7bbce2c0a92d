import { describe, expect, it } from "vitest";
import { isAppError } from "./errors.ts";
import { SNAPSHOT_MIGRATIONS, buildSnapshotEnvelope, readSnapshotEnvelope } from "./snapshot.ts";
import type { SnapshotSections } from "./snapshot.ts";

const EMPTY: SnapshotSections = { definitions: [], memory: [], channels: [], paused_runs: [], evaluations: [] };
const ENTRY = { tenant_id: "default", scope: "agent", scope_id: "a", key: "k", value: 1, embedding: null };

function envelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const built = buildSnapshotEnvelope({ createdAt: new Date("2026-11-25T10:00:00Z"), label: "t", sections: { ...EMPTY, memory: [ENTRY] } });
  return { ...JSON.parse(JSON.stringify(built)), ...overrides } as Record<string, unknown>;
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("snapshot envelope", () => {
  it("writes every section at this build's version and reads it back", () => {
    const raw = envelope();
    expect(raw).toMatchObject({ schema_version: "1.0", created_at: "2026-11-25T10:00:00.000Z", label: "t" });
    expect(Object.keys(raw["sections"] as object)).toEqual(["definitions", "memory", "channels", "paused_runs", "evaluations"]);
    const read = readSnapshotEnvelope(raw);
    expect(read.sections.memory).toEqual([ENTRY]);
    expect(read).toMatchObject({ label: "t", warnings: [], formatMigrations: [] });
  });

  it("keeps unknown additive fields out of the way: a newer minor and extra fields are read as is", () => {
    const raw = envelope({ schema_version: "1.7", future_field: true });
    const sections = raw["sections"] as Record<string, Record<string, unknown>>;
    sections["memory"] = { version: "1.3", items: [{ ...ENTRY, added_in_1_3: "x" }], stats: {} };
    const read = readSnapshotEnvelope(raw);
    expect(read.sections.memory[0]).toMatchObject(ENTRY);
  });

  it("ignores an unknown section with a warning and treats a missing one as empty", () => {
    const read = readSnapshotEnvelope({ schema_version: "1.0", sections: { sqlmem: { version: "1.0", items: [1] } } });
    expect(read.warnings).toEqual(['section "sqlmem" is unknown to this build and was ignored']);
    expect(read.sections).toEqual(EMPTY);
  });

  it("refuses a newer major, of the envelope or of one section, as SNAPSHOT_VERSION_TOO_NEW", () => {
    expect(isAppError(thrown(() => readSnapshotEnvelope(envelope({ schema_version: "2.0" }))), "SNAPSHOT_VERSION_TOO_NEW")).toBe(true);
    const raw = envelope();
    (raw["sections"] as Record<string, { version: string }>)["channels"] = { version: "2.0", items: [] } as never;
    const error = thrown(() => readSnapshotEnvelope(raw));
    expect(isAppError(error, "SNAPSHOT_VERSION_TOO_NEW")).toBe(true);
    expect((error as Error).message).toContain("sections.channels.version is at version 2.0");
  });

  it("names the offending field of a malformed envelope", () => {
    const cases: [unknown, string][] = [
      ["nope", "json"],
      [{ sections: {} }, "json.schema_version"],
      [{ schema_version: "one", sections: {} }, "json.schema_version"],
      [{ schema_version: "1.0", sections: { memory: { version: "1.0" } } }, "json.sections.memory.items"],
      [{ schema_version: "1.0", sections: { memory: { version: "1.0", items: [{ ...ENTRY, key: 5 }] } } }, "json.sections.memory.items[0].key"],
    ];
    for (const [raw, field] of cases) {
      const error = thrown(() => readSnapshotEnvelope(raw));
      expect(isAppError(error, "INVALID_ARGUMENT"), JSON.stringify(raw)).toBe(true);
      expect((error as { details: { field: string } }).details.field).toBe(field);
    }
  });

  it("brings an older major forward through the section's migrations and reports each step", () => {
    const migrations = {
      ...SNAPSHOT_MIGRATIONS,
      memory: { 0: (section: { items: unknown[] }) => ({ version: "1.0", items: section.items.map((item) => ({ ...ENTRY, ...(item as object), scope: "agent" })) }) },
    };
    const raw = { schema_version: "1.0", sections: { memory: { version: "0.9", items: [{ key: "old" }] } } };
    const read = readSnapshotEnvelope(raw, { migrations });
    expect(read.formatMigrations).toEqual(["memory 0.9 → 1.0"]);
    expect(read.sections.memory[0]).toMatchObject({ key: "old", scope: "agent" });
    const error = thrown(() => readSnapshotEnvelope(raw));
    expect(isAppError(error, "INVALID_ARGUMENT")).toBe(true);
    expect((error as Error).message).toContain("no migration");
  });
});
