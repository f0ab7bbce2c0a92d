/**
 * The closed scope catalog (loomcycle's): a token holds some of these, a route requires one.
 * Creating or rotating a token with a name outside the catalog is refused.
 */
export const SCOPES = [
  "substrate:admin",
  "substrate:tenant",
  "substrate:user",
  "runs:create",
  "runs:read",
  "channel:publish",
  "channel:read",
  "providers:operator-key",
] as const;
export type Scope = (typeof SCOPES)[number];

/** What each scope brings with it; `substrate:admin` implies every scope. */
const IMPLIES: Readonly<Record<Scope, readonly Scope[]>> = {
  "substrate:admin": SCOPES,
  "substrate:tenant": ["runs:create", "runs:read", "channel:publish", "channel:read", "providers:operator-key"],
  "substrate:user": ["runs:create", "runs:read"],
  "runs:create": [],
  "runs:read": [],
  "channel:publish": [],
  "channel:read": [],
  "providers:operator-key": [],
};

export function isScope(name: string): name is Scope {
  return (SCOPES as readonly string[]).includes(name);
}

/** Every scope a set of granted scopes amounts to, implications included. */
export function effectiveScopes(granted: readonly Scope[]): Set<Scope> {
  const effective = new Set<Scope>();
  for (const scope of granted) {
    effective.add(scope);
    for (const implied of IMPLIES[scope]) effective.add(implied);
  }
  return effective;
}

/** Whether the granted scopes satisfy `required`. */
export function grantsScope(granted: readonly Scope[], required: Scope): boolean {
  return effectiveScopes(granted).has(required);
}
