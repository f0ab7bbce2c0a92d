import { z } from "zod";
import { AppError } from "./errors.ts";

/**
 * Snapshots (loomcycle §9.4): the runtime's durable state as one portable JSON envelope
 * `{schema_version, created_at, label, sections:{<name>: {version, items}}}`. Dates are ISO
 * strings and vectors number arrays, so an envelope moves between databases and builds.
 *
 * Compatibility rules, checked by `readSnapshotEnvelope`:
 * - Every section carries its own `major.minor` version. A newer MINOR only adds fields, and
 *   unknown fields are ignored, so it is read as is. A newer MAJOR is refused
 *   (SNAPSHOT_VERSION_TOO_NEW); an older major is brought forward by the section's migrations.
 * - A section this build does not know is ignored with a warning; a missing one is empty.
 * - Secrets are never in an envelope: no tokens, no per-run credentials, no hook secrets.
 */

/** The envelope's own format version. */
export const SNAPSHOT_SCHEMA_VERSION = "1.0";

/** The sections this build writes and restores, in restore order. */
export const SNAPSHOT_SECTIONS = ["definitions", "memory", "channels", "paused_runs", "evaluations"] as const;
export type SnapshotSectionName = (typeof SNAPSHOT_SECTIONS)[number];

/** The version this build writes, per section. */
export const SNAPSHOT_SECTION_VERSIONS: Readonly<Record<SnapshotSectionName, string>> = {
  definitions: "1.0",
  memory: "1.0",
  channels: "1.0",
  paused_runs: "1.0",
  evaluations: "1.0",
};

/** Definition kinds that hold secrets: never snapshotted. */
export const SECRET_DEFINITION_KINDS: readonly string[] = ["credential", "operatortoken"];

const Text = z.string();
const Row = z.looseObject({});

/** One definition version (a `definitions` row); `active` is set on the version a pointer selects. */
export const SnapshotDefinitionItem = z.looseObject({
  def_id: Text,
  tenant_id: Text,
  kind: Text,
  name: Text,
  version: z.number().int().min(1),
  definition: z.unknown(),
  active: z.looseObject({ promoted_at: Text, promoted_by: Text }).nullable().optional(),
});

/** An embedding as it travels: the vector is a plain number array. */
export const SnapshotEmbedding = z.looseObject({
  provider: Text,
  model: Text,
  dimension: z.number().int().min(1),
  embed_text: Text,
  vector: z.array(z.number()),
});

/** One live memory entry (a `memory` row) with its embedding, if any. */
export const SnapshotMemoryItem = z.looseObject({
  tenant_id: Text,
  scope: Text,
  scope_id: Text,
  key: Text,
  value: z.unknown(),
  embedding: SnapshotEmbedding.nullable().optional(),
});

/** One channel declaration with its partitions, live messages and subscriber cursors. */
export const SnapshotChannelItem = z.looseObject({
  tenant_id: Text,
  name: Text,
  partitions: z.array(Row).default([]),
  messages: z.array(z.looseObject({ scope: Text, scope_id: Text, id: z.number().int() })).default([]),
  cursors: z.array(z.looseObject({ scope: Text, scope_id: Text, subscriber: Text, position: z.number().int() })).default([]),
});

/** One evaluation (an `evaluations` row). */
export const SnapshotEvaluationItem = z.looseObject({ eval_id: Text, run_id: Text, tenant_id: Text, score: z.number() });

/**
 * One session holding a paused run: the session row, every run of the session (the paused ones
 * and those before them, whose events the transcript holds) and ALL its events, in order.
 */
export const SnapshotPausedSessionItem = z.looseObject({
  session: z.looseObject({ id: Text, tenant_id: Text }),
  runs: z.array(z.looseObject({ id: Text, session_id: Text, status: Text, parent_run_id: Text.nullable().optional() })).min(1),
  events: z.array(z.looseObject({ run_id: Text, seq: z.number().int(), type: Text, payload: z.unknown() })),
});

export type SnapshotDefinitionItem = z.infer<typeof SnapshotDefinitionItem>;
export type SnapshotMemoryItem = z.infer<typeof SnapshotMemoryItem>;
export type SnapshotChannelItem = z.infer<typeof SnapshotChannelItem>;
export type SnapshotEvaluationItem = z.infer<typeof SnapshotEvaluationItem>;
export type SnapshotPausedSessionItem = z.infer<typeof SnapshotPausedSessionItem>;

const ITEM_SCHEMAS = {
  definitions: SnapshotDefinitionItem,
  memory: SnapshotMemoryItem,
  channels: SnapshotChannelItem,
  paused_runs: SnapshotPausedSessionItem,
  evaluations: SnapshotEvaluationItem,
} as const;

/** The items of every section, as the store captures and restores them. */
export interface SnapshotSections {
  definitions: SnapshotDefinitionItem[];
  memory: SnapshotMemoryItem[];
  channels: SnapshotChannelItem[];
  paused_runs: SnapshotPausedSessionItem[];
  evaluations: SnapshotEvaluationItem[];
}

/** A section on the wire. */
export interface SnapshotSection<T> {
  version: string;
  items: T[];
}

/** The envelope as this build writes it. */
export interface SnapshotEnvelope {
  schema_version: string;
  created_at: string;
  label: string | null;
  sections: { [K in SnapshotSectionName]: SnapshotSection<SnapshotSections[K][number]> };
}

/** What a restore brought back; every count is of rows that were new (restore is idempotent). */
export interface SnapshotRestoreCounts {
  definitions_restored: number;
  active_pointers_restored: number;
  memory_restored: number;
  channel_messages_restored: number;
  channel_cursors_restored: number;
  evaluations_restored: number;
  paused_runs_restored: number;
  sessions_restored: number;
  transcript_events_restored: number;
}

/** A restore's answer: the counts, plus what was skipped or migrated on the way. */
export interface SnapshotRestoreResult extends SnapshotRestoreCounts {
  warnings: string[];
  format_migrations: string[];
}

/** A section's raw shape before its items are checked. */
export interface RawSnapshotSection {
  version: string;
  items: unknown[];
  [field: string]: unknown;
}
type RawSection = RawSnapshotSection;

/**
 * Migrations per section, keyed by the MAJOR they read: each turns a section of that major into
 * one of the next major. Empty while every section is at 1.x; a 2.0 adds `{ 1: (section) => … }`.
 */
export const SNAPSHOT_MIGRATIONS: SnapshotMigrations = {
  definitions: {},
  memory: {},
  channels: {},
  paused_runs: {},
  evaluations: {},
};

const VERSION = /^(\d+)\.(\d+)$/;
const VersionText = z.string().regex(VERSION, { message: 'expected a "major.minor" version such as "1.0"' });

const RawEnvelope = z.looseObject({
  schema_version: VersionText,
  created_at: z.string().optional(),
  label: z.string().nullable().optional(),
  sections: z.record(z.string(), z.looseObject({ version: VersionText, items: z.array(z.unknown()) })),
});

/** The major of a checked "major.minor" version. */
export function versionMajor(version: string): number {
  return Number(VERSION.exec(version)?.[1] ?? Number.NaN);
}

function invalid(field: string, message: string): AppError {
  return new AppError("INVALID_ARGUMENT", `${field}: ${message}`, { details: { field } });
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) text += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return text;
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, field: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalid(`${field}${formatPath(issue?.path ?? [])}`, issue?.message ?? "invalid");
}

function assertNotTooNew(what: string, version: string, known: string): void {
  if (versionMajor(version) <= versionMajor(known)) return;
  throw new AppError("SNAPSHOT_VERSION_TOO_NEW", `${what} is at version ${version}, newer than this build reads (${known}); upgrade loomcycle to restore it`, {
    details: { field: what, version, known },
  });
}

/** Section migrations keyed by section, then by the major they read. */
export type SnapshotMigrations = Readonly<Record<SnapshotSectionName, Readonly<Record<number, (section: RawSection) => RawSection>>>>;

/** Brings a section of an older major forward, step by step; records each step. */
function migrateSection(name: SnapshotSectionName, section: RawSection, context: { migrations: SnapshotMigrations; applied: string[] }): RawSection {
  const target = versionMajor(SNAPSHOT_SECTION_VERSIONS[name]);
  let current = section;
  while (versionMajor(current.version) < target) {
    const from = current.version;
    const step = context.migrations[name][versionMajor(from)];
    if (step === undefined) throw invalid(`sections.${name}.version`, `version ${from} is too old for this build (no migration to ${SNAPSHOT_SECTION_VERSIONS[name]})`);
    current = step(current);
    context.applied.push(`${name} ${from} → ${current.version}`);
  }
  return current;
}

/** A checked envelope: its sections' items, plus the warnings and migrations reading it produced. */
export interface ReadEnvelope {
  label: string | null;
  sections: SnapshotSections;
  warnings: string[];
  formatMigrations: string[];
}

/**
 * Reads an envelope from any source (an inline restore, a stored snapshot): checks its shape
 * (400 naming the field), refuses a version newer than this build (422), migrates older
 * sections, ignores unknown sections with a warning and fills missing ones with no items.
 */
export function readSnapshotEnvelope(raw: unknown, options: { field?: string; migrations?: SnapshotMigrations } = {}): ReadEnvelope {
  const field = options.field ?? "json";
  const context = { migrations: options.migrations ?? SNAPSHOT_MIGRATIONS, applied: [] as string[] };
  const envelope = parseOrThrow(RawEnvelope, raw, field);
  assertNotTooNew("schema_version", envelope.schema_version, SNAPSHOT_SCHEMA_VERSION);
  const warnings = Object.keys(envelope.sections)
    .filter((name) => !(SNAPSHOT_SECTIONS as readonly string[]).includes(name))
    .map((name) => `section "${name}" is unknown to this build and was ignored`);
  const read = (name: SnapshotSectionName): unknown[] => {
    const section = envelope.sections[name];
    if (section === undefined) return [];
    assertNotTooNew(`sections.${name}.version`, section.version, SNAPSHOT_SECTION_VERSIONS[name]);
    const migrated = migrateSection(name, section, context);
    return parseOrThrow(z.array(ITEM_SCHEMAS[name]), migrated.items, `${field}.sections.${name}.items`);
  };
  const sections = {
    definitions: read("definitions") as SnapshotDefinitionItem[],
    memory: read("memory") as SnapshotMemoryItem[],
    channels: read("channels") as SnapshotChannelItem[],
    paused_runs: read("paused_runs") as SnapshotPausedSessionItem[],
    evaluations: read("evaluations") as SnapshotEvaluationItem[],
  };
  return { label: envelope.label ?? null, sections, warnings, formatMigrations: context.applied };
}

/** The envelope of captured sections, every section at the version this build writes. */
export function buildSnapshotEnvelope(input: { createdAt: Date; label: string | null; sections: SnapshotSections }): SnapshotEnvelope {
  const section = <K extends SnapshotSectionName>(name: K): SnapshotSection<SnapshotSections[K][number]> => ({
    version: SNAPSHOT_SECTION_VERSIONS[name],
    items: input.sections[name],
  });
  return {
    schema_version: SNAPSHOT_SCHEMA_VERSION,
    created_at: input.createdAt.toISOString(),
    label: input.label,
    sections: {
      definitions: section("definitions"),
      memory: section("memory"),
      channels: section("channels"),
      paused_runs: section("paused_runs"),
      evaluations: section("evaluations"),
    },
  };
}
