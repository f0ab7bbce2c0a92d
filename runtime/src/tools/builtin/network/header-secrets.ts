import type { RunCredentials } from "../../../domain/index.ts";

/** `${run.user_bearer}` or `${cred:<name>}` inside a header value. */
const PLACEHOLDER = /\$\{(run\.user_bearer|cred:([^}]*))\}/g;

/**
 * Header values with the run's credentials substituted: `${run.user_bearer}` and
 * `${cred:<name>}`. Returns a reason (naming the placeholder, never a value) when one cannot be
 * filled, so the model learns what is missing.
 */
export function substituteSecrets(headers: Record<string, string>, secrets: RunCredentials | undefined): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    let missing: string | null = null;
    out[name] = value.replace(PLACEHOLDER, (whole, _what: string, credential: string | undefined) => {
      const secret = credential === undefined ? secrets?.user_bearer : secrets?.user_credentials?.[credential];
      if (secret === undefined) missing ??= whole;
      return secret ?? "";
    });
    if (missing !== null) return `header ${name}: ${missing} is not set for this run (${describe(secrets)})`;
  }
  return out;
}

function describe(secrets: RunCredentials | undefined): string {
  const names = Object.keys(secrets?.user_credentials ?? {});
  const bearer = secrets?.user_bearer === undefined ? "no user_bearer" : "a user_bearer";
  return `the caller gave ${bearer} and ${names.length === 0 ? "no credentials" : `credentials ${names.join(", ")}`}`;
}
