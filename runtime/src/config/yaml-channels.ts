import type { ChannelSpec } from "../domain/index.ts";
import type { ConfigFile } from "./schema.ts";

/** The `channels:` map as channel specs (the key is the name; default_ttl already in ms). */
export function yamlChannels(file: { data: ConfigFile | null } | null): ChannelSpec[] {
  return Object.entries(file?.data?.channels ?? {}).map(([name, { default_ttl: ttl, ...channel }]) => ({
    name,
    ...channel,
    ...(ttl === undefined ? {} : { default_ttl_ms: ttl }),
  }));
}
