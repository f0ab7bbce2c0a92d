import type { SnapshotRestoreCounts, SnapshotSections } from "../domain/index.ts";

/** A section's line in a snapshot descriptor. */
export interface SnapshotSectionSummary {
  version: string;
  count: number;
}

/** A stored snapshot without its envelope. */
export interface SnapshotRecord {
  id: string;
  created_at: Date;
  label: string | null;
  schema_version: string;
  size_bytes: number;
  sections: Record<string, SnapshotSectionSummary>;
}

/** A snapshot to store: its descriptor and the canonical JSON envelope. */
export interface NewSnapshot extends SnapshotRecord {
  json_content: string;
}

/** What a restore wrote: counts of new rows, the new paused runs' ids, and what it skipped. */
export interface SnapshotRestoreOutcome {
  counts: SnapshotRestoreCounts;
  /** Paused runs this restore created (status `paused`, no owner): the caller resumes them. */
  pausedRunIds: string[];
  warnings: string[];
}

/**
 * The storage port of snapshots (`Store.snapshots`): reading every section of the runtime's
 * state across all tenants, writing it back idempotently, and the stored snapshots themselves.
 */
export interface SnapshotStore {
  /** Every section's items, read from one consistent view of the database. Never reads secrets. */
  capture(): Promise<SnapshotSections>;
  /**
   * Writes the sections in one transaction, skipping rows that already exist (ON CONFLICT DO
   * NOTHING), so restoring twice changes nothing the second time.
   */
  restore(sections: SnapshotSections): Promise<SnapshotRestoreOutcome>;
  save(snapshot: NewSnapshot): Promise<SnapshotRecord>;
  /** Descriptors, newest first. */
  list(filter: { limit: number; labelContains?: string }): Promise<SnapshotRecord[]>;
  get(id: string): Promise<NewSnapshot | null>;
  /** Deletes a snapshot; a missing one is no error. */
  delete(id: string): Promise<void>;
}
