import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AuthService } from "../../service/index.ts";
import { installPrincipal } from "./principal.ts";
import type { Authenticate } from "./principal.ts";
import { registerMeRoutes } from "./routes/me.ts";
import { registerOperatorTokenRoutes } from "./routes/operator-tokens.ts";
import type { HttpAppOptions } from "./types.ts";

/** The bearer of `Authorization: Bearer <token>`; null when the header is absent or another scheme. */
export function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== "string") return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** The HTTP authenticator over the AuthService: the bearer from the Authorization header, resolved per request. */
export function httpAuthenticate(auth: AuthService): Authenticate {
  return (request) => auth.authenticate(bearerOf(request));
}

/**
 * Auth for the whole app, installed before any route: the principal + scope hook (the given
 * `authenticate`, else bearer auth over `auth`, else open mode), GET /v1/_me and, with `auth`,
 * the operator-token routes.
 */
export function installAuth(app: FastifyInstance, options: Pick<HttpAppOptions, "authenticate" | "auth">): void {
  installPrincipal(app, options.authenticate ?? (options.auth ? httpAuthenticate(options.auth) : undefined));
  registerMeRoutes(app);
  if (options.auth) registerOperatorTokenRoutes(app, options.auth);
}
