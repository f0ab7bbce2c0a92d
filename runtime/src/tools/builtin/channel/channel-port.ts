import type {
  ChannelAckRequest,
  ChannelDelivery,
  ChannelDescriptor,
  ChannelPublished,
  ChannelPublishRequest,
  ChannelReadRequest,
  ChannelScope,
  ChannelSubscribeRequest,
} from "../../../domain/index.ts";

/** An agent's grants: channel names or trailing `/*` patterns it may publish to / subscribe to. */
export interface ChannelGrants {
  publish: readonly string[];
  subscribe: readonly string[];
}

/**
 * What the Channel tool needs from the channel service (wired in build-tools.ts). Failures are
 * thrown as AppErrors whose messages the tool hands to the model.
 */
export interface ChannelPort {
  grantsFor(agent: string, tenantId: string): ChannelGrants;
  /** The channel's scope (NOT_FOUND naming the declared channels when it does not exist). */
  scopeOf(tenantId: string, name: string): Promise<ChannelScope>;
  /** The tenant's channels. */
  list(tenantId: string): Promise<ChannelDescriptor[]>;
  publish(request: ChannelPublishRequest): Promise<ChannelPublished>;
  subscribe(request: ChannelSubscribeRequest): Promise<ChannelDelivery>;
  peek(request: ChannelReadRequest): Promise<ChannelDelivery>;
  ack(request: ChannelAckRequest): Promise<void>;
}
