import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { AppError, SCOPES, isScope } from "../../../domain/index.ts";
import type { Scope } from "../../../domain/index.ts";
import type { AuthService, CreateTokenRequest, IssuedToken, TokenRecord } from "../../../service/index.ts";
import { parseBody } from "../parse-body.ts";

const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "letters, digits, _ . - (at most 64, starting with a letter or digit)");
const Ident = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "letters, digits, _ - (at most 128)");
const MAX_GRACE_SECONDS = 7 * 24 * 3600;

/** POST /v1/_operatortokendef (loomcycle OperatorTokenDef input). */
const TokenOpRequest = z.strictObject({
  op: z.enum(["create", "rotate", "retire", "get", "list"]),
  name: Name.optional(),
  def_id: z.string().min(1).max(128).optional(),
  tenant_id: Ident.optional(),
  subject: Ident.optional(),
  scopes: z.array(z.string()).min(1, "at least one scope").max(SCOPES.length).optional(),
  grace_seconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).optional(),
  import_token: z.string().min(1).max(4096).optional(),
  include_retired: z.boolean().optional(),
});
type TokenOp = z.infer<typeof TokenOpRequest>;

/** The fields each op reads; any other field present is refused rather than silently ignored. */
const OP_FIELDS: Readonly<Record<TokenOp["op"], readonly string[]>> = {
  create: ["name", "tenant_id", "subject", "scopes", "import_token"],
  rotate: ["name", "def_id", "grace_seconds"],
  retire: ["name", "def_id"],
  get: ["name", "def_id"],
  list: ["name", "tenant_id", "include_retired"],
};

/** A token as the API shows it: never its hash, salt or lookup id. */
export interface OperatorTokenView {
  def_id: string;
  name: string;
  tenant_id: string;
  subject: string;
  scopes: string[];
  status: TokenRecord["status"];
  imported: boolean;
  rotated_from: string | null;
  created_at: string;
  created_by: string;
  valid_until: string | null;
  retired_at: string | null;
}

function toView(record: TokenRecord): OperatorTokenView {
  return {
    def_id: record.def_id,
    name: record.name,
    tenant_id: record.tenant_id,
    subject: record.subject,
    scopes: record.scopes,
    status: record.status,
    imported: record.imported,
    rotated_from: record.rotated_from,
    created_at: record.created_at.toISOString(),
    created_by: record.created_by,
    valid_until: record.valid_until?.toISOString() ?? null,
    retired_at: record.retired_at?.toISOString() ?? null,
  };
}

function invalid(field: string, message: string): AppError {
  return new AppError("INVALID_ARGUMENT", `${field}: ${message}`, { details: { field } });
}

function checkFields(body: TokenOp): void {
  const allowed = new Set(["op", ...OP_FIELDS[body.op]]);
  const extra = Object.keys(body).find((field) => !allowed.has(field) && body[field as keyof TokenOp] !== undefined);
  if (extra !== undefined) throw invalid(extra, `not used by op ${body.op} (it reads ${OP_FIELDS[body.op].join(", ")})`);
}

/** The catalog scopes asked for; an unknown name is a 400 naming it. Default: substrate:admin (as loomcycle). */
function scopesOf(body: TokenOp): Scope[] {
  const names = body.scopes ?? ["substrate:admin"];
  names.forEach((name, index) => {
    if (!isScope(name)) throw invalid(`scopes[${index}]`, `unknown scope ${JSON.stringify(name)} (known: ${SCOPES.join(", ")})`);
  });
  return [...new Set(names)] as Scope[];
}

function refOf(body: TokenOp): { def_id: string } | { name: string } {
  if (body.def_id !== undefined) return { def_id: body.def_id };
  if (body.name !== undefined) return { name: body.name };
  throw invalid("name", `op ${body.op} needs name or def_id`);
}

function issued(result: IssuedToken): OperatorTokenView & { token: string | null } {
  return { ...toView(result.record), token: result.token };
}

function actorOf(request: FastifyRequest): string {
  return `${request.principal.kind}:${request.principal.subject}`;
}

async function dispatch(auth: AuthService, body: TokenOp, request: FastifyRequest): Promise<unknown> {
  const { tokens } = auth;
  switch (body.op) {
    case "create":
      return issued(await tokens.create(createRequest(body, request)));
    case "rotate":
      return issued(await tokens.rotate({ ref: refOf(body), createdBy: actorOf(request), ...(body.grace_seconds === undefined ? {} : { graceSeconds: body.grace_seconds }) }));
    case "retire":
      return { retired: (await tokens.retire(refOf(body))).map(toView) };
    case "get":
      return toView(await tokens.get(refOf(body)));
    case "list":
      return { tokens: (await tokens.list(listFilter(body))).map(toView) };
  }
}

/** create's request: tenant defaults to the caller's, subject to `tok-<name>`, scopes to substrate:admin. */
function createRequest(body: TokenOp, request: FastifyRequest): CreateTokenRequest {
  if (body.name === undefined) throw invalid("name", "required for op create");
  return {
    name: body.name,
    tenantId: body.tenant_id ?? request.principal.tenantId,
    subject: body.subject ?? `tok-${body.name}`,
    scopes: scopesOf(body),
    createdBy: actorOf(request),
    ...(body.import_token === undefined ? {} : { importToken: body.import_token }),
  };
}

function listFilter(body: TokenOp): { name?: string; tenantId?: string; includeRetired?: boolean } {
  return {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.tenant_id === undefined ? {} : { tenantId: body.tenant_id }),
    includeRetired: body.include_retired ?? false,
  };
}

/**
 * POST /v1/_operatortokendef {op: create|rotate|retire|get|list, …} and GET
 * /v1/_operatortokendef/names (both substrate:admin, route-scopes.ts). create and rotate answer
 * the plaintext `token` once; it is never stored or shown again.
 */
export function registerOperatorTokenRoutes(app: FastifyInstance, auth: AuthService): void {
  app.post("/v1/_operatortokendef", async (request) => {
    const body = parseBody(TokenOpRequest, request.body);
    checkFields(body);
    return dispatch(auth, body, request);
  });

  app.get("/v1/_operatortokendef/names", async () => {
    const active = await auth.tokens.list({});
    return { names: active.map((record) => ({ name: record.name, def_id: record.def_id, tenant_id: record.tenant_id, subject: record.subject, scopes: record.scopes, status: record.status })) };
  });
}
