import type { NewOperatorToken, OperatorTokenRecord, OperatorTokenStatus, TokenRef, TokenRotation, TokenStore } from "../token-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlExecutor } from "./sql-client.ts";

/** An `operator_tokens` row as both drivers return it. */
interface TokenRow {
  def_id: string;
  name: string;
  tenant_id: string;
  subject: string;
  scopes: unknown;
  lookup_id: string;
  salt: string;
  token_hash: string;
  status: string;
  valid_until: Date | null;
  imported: boolean;
  rotated_from: string | null;
  created_at: Date;
  created_by: string;
  retired_at: Date | null;
}

function mapTokenRow(row: TokenRow): OperatorTokenRecord {
  return {
    ...row,
    scopes: Array.isArray(row.scopes) ? row.scopes.filter((scope): scope is string => typeof scope === "string") : [],
    status: row.status as OperatorTokenStatus,
  };
}

function refParams(ref: TokenRef): [string | null, string | null] {
  return "def_id" in ref ? [ref.def_id, null] : [null, ref.name];
}

/** Operator tokens over the shared SQL layer (table `operator_tokens`, migration 0012). */
export class SqlTokenStore implements TokenStore {
  private readonly client: SqlExecutor;

  constructor(client: SqlExecutor) {
    this.client = client;
  }

  async insert(token: NewOperatorToken): Promise<OperatorTokenRecord | null> {
    const params = [
      token.def_id,
      token.name,
      token.tenant_id,
      token.subject,
      JSON.stringify(token.scopes),
      token.lookup_id,
      token.salt,
      token.token_hash,
      token.imported,
      token.created_by,
    ];
    const rows = await this.client.query<TokenRow>(loadSql("token_insert"), params);
    return rows[0] === undefined ? null : mapTokenRow(rows[0]);
  }

  async rotate(rotation: TokenRotation): Promise<OperatorTokenRecord | null> {
    const params = [rotation.oldDefId, rotation.oldValidUntil, rotation.def_id, rotation.lookup_id, rotation.salt, rotation.token_hash, rotation.created_by];
    const rows = await this.client.query<TokenRow>(loadSql("token_rotate"), params);
    return rows[0] === undefined ? null : mapTokenRow(rows[0]);
  }

  async retire(ref: TokenRef): Promise<OperatorTokenRecord[]> {
    const rows = await this.client.query<TokenRow>(loadSql("token_retire"), refParams(ref));
    return rows.map(mapTokenRow);
  }

  async findAccepted(lookupId: string): Promise<OperatorTokenRecord | null> {
    const rows = await this.client.query<TokenRow>(loadSql("token_select_by_lookup"), [lookupId]);
    return rows[0] === undefined ? null : mapTokenRow(rows[0]);
  }

  async get(ref: TokenRef): Promise<OperatorTokenRecord | null> {
    const rows = await this.client.query<TokenRow>(loadSql("token_select"), refParams(ref));
    return rows[0] === undefined ? null : mapTokenRow(rows[0]);
  }

  async list(filter: { name?: string; tenantId?: string; includeRetired?: boolean }): Promise<OperatorTokenRecord[]> {
    const params = [filter.name ?? null, filter.tenantId ?? null, filter.includeRetired ?? false];
    const rows = await this.client.query<TokenRow>(loadSql("token_list"), params);
    return rows.map(mapTokenRow);
  }

  async census(): Promise<{ accepted: number; admins: number }> {
    const rows = await this.client.query<{ accepted: number; admins: number }>(loadSql("token_census"));
    return { accepted: Number(rows[0]?.accepted ?? 0), admins: Number(rows[0]?.admins ?? 0) };
  }
}
