export { createChannelTool } from "./channel-tool.ts";
export { aclRefusal, grantCovers, mayUse } from "./channel-acl.ts";
export type { ChannelGrants, ChannelPort } from "./channel-port.ts";
