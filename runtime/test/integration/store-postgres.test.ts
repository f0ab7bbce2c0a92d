import { readdirSync } from "node:fs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { isAppError } from "../../src/domain/index.ts";
import { createPostgresStore } from "../../src/store/index.ts";
import { describeStoreContract } from "./store-contract.ts";

/** Same default as test/support (trust auth on these machines); not imported from there to keep this file off main.ts. */
const TEST_DATABASE_URL = process.env["LOOMCYCLE_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Every schema this file creates; all are dropped at the end. */
const schemas: string[] = [];

function freshSchema(): string {
  const schema = `lc_test_${Math.random().toString(36).slice(2, 10)}`;
  schemas.push(schema);
  return schema;
}

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await withClient(async (client) => {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  });
});

const contractSchema = freshSchema();
describeStoreContract("Postgres store", () => createPostgresStore({ url: TEST_DATABASE_URL, schema: contractSchema }));

describe("Postgres store set-up", () => {
  it("keeps every table in its own schema", async () => {
    const tablesIn = (schema: string): Promise<string[]> =>
      withClient(async (client) => {
        const result = await client.query<{ table_name: string }>(
          "select table_name from information_schema.tables where table_schema = $1 order by table_name",
          [schema],
        );
        return result.rows.map((row) => row.table_name);
      });
    const publicBefore = await tablesIn("public");
    const schema = freshSchema();
    const store = await createPostgresStore({ url: TEST_DATABASE_URL, schema });
    await store.close();
    const tables = await tablesIn(schema);
    expect(tables).toEqual(expect.arrayContaining(["events", "runs", "schema_migrations", "sessions", "token_usage", "memory", "memory_embeddings", "channels", "interrupts", "hooks", "evaluations"]));
    expect(await tablesIn("public")).toEqual(publicBefore);
  });

  it("lets two processes open a fresh schema at once and applies each migration once", async () => {
    const schema = freshSchema();
    const stores = await Promise.all([
      createPostgresStore({ url: TEST_DATABASE_URL, schema }),
      createPostgresStore({ url: TEST_DATABASE_URL, schema }),
    ]);
    await Promise.all(stores.map((store) => store.ping()));
    await Promise.all(stores.map((store) => store.close()));
    const versions = await withClient(async (client) => {
      const result = await client.query<{ version: number }>(`select version from "${schema}".schema_migrations order by version`);
      return result.rows.map((row) => row.version);
    });
    const known = readdirSync(new URL("../../src/store/sql/migrations/", import.meta.url)).map((file) => Number(file.slice(0, 4)));
    expect(versions).toEqual(known.sort((a, b) => a - b));
  });

  it("refuses a database migrated by a newer build", async () => {
    const schema = freshSchema();
    await (await createPostgresStore({ url: TEST_DATABASE_URL, schema })).close();
    await withClient((client) => client.query(`insert into "${schema}".schema_migrations (version, name) values (9999, 'future')`));
    const error = await createPostgresStore({ url: TEST_DATABASE_URL, schema }).catch((caught: unknown) => caught);
    expect(isAppError(error, "STORE_UNAVAILABLE")).toBe(true);
    expect((error as Error).message).toMatch(/migration 9999, newer than this loomcycle build knows/);
  });

  it("reports an unreachable server as STORE_UNAVAILABLE with a readable message, quickly", async () => {
    const started = Date.now();
    const error = await createPostgresStore({ url: "postgres://postgres:secret@127.0.0.1:1/postgres" }).catch((caught: unknown) => caught);
    expect(isAppError(error, "STORE_UNAVAILABLE")).toBe(true);
    expect((error as Error).message).toMatch(/^cannot reach postgres 127\.0\.0\.1:1\/postgres: .*ECONNREFUSED/);
    expect((error as Error).message).not.toContain("secret");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("never shows the password in its description", async () => {
    const schema = freshSchema();
    const url = new URL(TEST_DATABASE_URL);
    url.password = "secret";
    const store = await createPostgresStore({ url: url.toString(), schema });
    expect(store.description).toBe(`postgres ${url.hostname}:${url.port || "5432"}${url.pathname} (schema ${schema})`);
    await store.close();
  });

  it("rejects a schema name that would need quoting", async () => {
    const error = await createPostgresStore({ url: TEST_DATABASE_URL, schema: 'bad"name' }).catch((caught: unknown) => caught);
    expect(isAppError(error, "CONFIG_INVALID")).toBe(true);
  });
});
