import { AppError } from "../../domain/index.ts";

/** Schema names we accept: lower-case Postgres identifiers that never need escaping. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The schema name as a quoted SQL identifier, for the two statements that cannot take it as a
 * parameter (`create schema`, `search_path`). Throws CONFIG_INVALID for anything else.
 */
export function quoteSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new AppError("CONFIG_INVALID", `store schema "${schema}" must match ${SCHEMA_NAME.source}`, {
      details: { field: "schema" },
    });
  }
  return `"${schema}"`;
}
