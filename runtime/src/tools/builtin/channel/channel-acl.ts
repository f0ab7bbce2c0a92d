import type { ChannelGrants } from "./channel-port.ts";

export type ChannelAccess = "publish" | "subscribe";

/** Whether a grant covers the channel: an exact name, or `prefix/*` for anything under `prefix/`. */
export function grantCovers(grant: string, channel: string): boolean {
  if (grant.endsWith("/*")) return channel.startsWith(grant.slice(0, -1));
  return grant === channel;
}

/** Whether the grants allow `access` on the channel. */
export function mayUse(grants: ChannelGrants, access: ChannelAccess, channel: string): boolean {
  return grants[access].some((grant) => grantCovers(grant, channel));
}

/** null when allowed; otherwise a refusal naming what the agent may use and how to grant more. */
export function aclRefusal(options: { grants: ChannelGrants; access: ChannelAccess; channel: string; agent: string }): string | null {
  const { grants, access, channel, agent } = options;
  if (mayUse(grants, access, channel)) return null;
  const verb = access === "publish" ? "publish to" : "subscribe to";
  const allowed = grants[access].length === 0 ? "no channel" : grants[access].join(", ");
  return (
    `Channel: agent "${agent}" may not ${verb} "${channel}"; it may ${verb}: ${allowed}. ` +
    `An operator grants more in the agent's channels.${access} (exact names or a trailing /*).`
  );
}
