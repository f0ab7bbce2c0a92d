/** A small HTTP client for auth tests: JSON in, status + JSON + WWW-Authenticate out. */
export interface AuthAnswer {
  status: number;
  body: any;
  challenge: string | null;
}

export async function call(options: { base: string; method: string; path: string; token?: string | undefined; body?: unknown }): Promise<AuthAnswer> {
  const hasBody = options.body !== undefined;
  const response = await fetch(`${options.base}${options.path}`, {
    method: options.method,
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(hasBody ? { "content-type": "application/json" } : {}),
    },
    ...(hasBody ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  // An SSE answer (GET /v1/users/{id}/agents/stream) never ends: its status and headers are the answer.
  if ((response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    await response.body?.cancel();
    return { status: response.status, body: {}, challenge: response.headers.get("www-authenticate") };
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (metrics, SSE): keep the text
  }
  return { status: response.status, body, challenge: response.headers.get("www-authenticate") };
}

/** Mints a token through POST /v1/_operatortokendef with `admin` as the bearer; returns the plaintext. */
export async function mint(options: { base: string; admin?: string | undefined; name: string; scopes: string[]; tenant?: string; subject?: string }): Promise<string> {
  const answer = await call({
    base: options.base,
    method: "POST",
    path: "/v1/_operatortokendef",
    token: options.admin,
    body: { op: "create", name: options.name, scopes: options.scopes, tenant_id: options.tenant ?? "default", subject: options.subject ?? options.name },
  });
  if (answer.status !== 200) throw new Error(`mint ${options.name}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.token as string;
}
