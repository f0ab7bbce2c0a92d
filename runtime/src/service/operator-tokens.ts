import { AppError, newId } from "../domain/index.ts";
import type { Scope } from "../domain/index.ts";
import type { OperatorTokenRecord, TokenRef, TokenStore } from "../store/index.ts";
import { bearerParts, hashSecret, mintToken, newSalt } from "./token-secrets.ts";

/** An imported token must be at least this long: it becomes an admin credential. */
const MIN_IMPORTED_TOKEN_LENGTH = 16;

export interface CreateTokenRequest {
  name: string;
  tenantId: string;
  subject: string;
  scopes: readonly Scope[];
  /** Store this existing bearer (the shared token, `--copy-from-env`) instead of minting one. */
  importToken?: string;
  /** Who asks (the caller's subject), recorded on the row. */
  createdBy: string;
}

/** A stored operator token (metadata plus salt and hash: transports show only the metadata). */
export type TokenRecord = OperatorTokenRecord;

/** A created or rotated token: the row, and the plaintext (null for an imported token, which the caller already has). */
export interface IssuedToken {
  record: OperatorTokenRecord;
  token: string | null;
}

export interface OperatorTokensOptions {
  store: TokenStore;
  pepper: string;
  rotationGraceSeconds: number;
  /** Called after every write, so the auth census is re-read. */
  onChange: () => void;
}

function describeRef(ref: TokenRef): string {
  return "def_id" in ref ? `def_id ${JSON.stringify(ref.def_id)}` : `name ${JSON.stringify(ref.name)}`;
}

function notFound(ref: TokenRef, what: string): AppError {
  return new AppError("NOT_FOUND", `no ${what}operator token with ${describeRef(ref)}`);
}

/** The OperatorTokenDef ops (create, rotate, retire, get, list); only salted hashes reach the store. */
export class OperatorTokens {
  private readonly options: OperatorTokensOptions;

  constructor(options: OperatorTokensOptions) {
    this.options = options;
  }

  async create(request: CreateTokenRequest): Promise<IssuedToken> {
    const issued = request.importToken === undefined ? mintToken() : imported(request.importToken, this.options.pepper);
    const salt = newSalt();
    const record = await this.options.store.insert({
      def_id: newId("otd"),
      name: request.name,
      tenant_id: request.tenantId,
      subject: request.subject,
      scopes: request.scopes,
      lookup_id: issued.lookupId,
      salt,
      token_hash: hashSecret({ pepper: this.options.pepper, salt, secret: issued.secret }),
      imported: request.importToken !== undefined,
      created_by: request.createdBy,
    });
    if (record === null) throw await this.conflict(request.name);
    this.options.onChange();
    return { record, token: request.importToken === undefined ? issued.token : null };
  }

  /** A new secret for the active token `ref`; the old one is accepted for `graceSeconds` more (0 = refused at once). */
  async rotate(options: { ref: TokenRef; graceSeconds?: number; createdBy: string }): Promise<IssuedToken> {
    const current = await this.options.store.get(options.ref);
    if (current === null || current.status !== "active") throw notFound(options.ref, "active ");
    const minted = mintToken();
    const salt = newSalt();
    const grace = options.graceSeconds ?? this.options.rotationGraceSeconds;
    const record = await this.options.store.rotate({
      oldDefId: current.def_id,
      oldValidUntil: new Date(Date.now() + grace * 1000),
      def_id: newId("otd"),
      lookup_id: minted.lookupId,
      salt,
      token_hash: hashSecret({ pepper: this.options.pepper, salt, secret: minted.secret }),
      created_by: options.createdBy,
    });
    if (record === null) throw notFound(options.ref, "active ");
    this.options.onChange();
    return { record, token: minted.token };
  }

  /** Revokes at once (every still-accepted token of a name, or one def_id); NOT_FOUND when nothing was accepted. */
  async retire(ref: TokenRef): Promise<OperatorTokenRecord[]> {
    const retired = await this.options.store.retire(ref);
    if (retired.length === 0) throw notFound(ref, "unretired ");
    this.options.onChange();
    return retired;
  }

  async get(ref: TokenRef): Promise<OperatorTokenRecord> {
    const record = await this.options.store.get(ref);
    if (record === null) throw notFound(ref, "");
    return record;
  }

  list(filter: { name?: string; tenantId?: string; includeRetired?: boolean }): Promise<OperatorTokenRecord[]> {
    return this.options.store.list(filter);
  }

  private async conflict(name: string): Promise<AppError> {
    const active = await this.options.store.get({ name });
    if (active !== null) {
      return new AppError("TOKEN_NAME_IN_USE", `an active operator token is already named ${JSON.stringify(name)}: rotate it (op "rotate"), or retire it first`);
    }
    return new AppError("TOKEN_NAME_IN_USE", "that token is already stored under another name: retire that one first, or mint a new token");
  }
}

function imported(token: string, pepper: string): { lookupId: string; secret: string; token: string } {
  if (token.length < MIN_IMPORTED_TOKEN_LENGTH || /\s/.test(token)) {
    throw new AppError("INVALID_ARGUMENT", `import_token: expected at least ${MIN_IMPORTED_TOKEN_LENGTH} characters without whitespace`, { details: { field: "import_token" } });
  }
  return { ...bearerParts(token, pepper), token };
}
