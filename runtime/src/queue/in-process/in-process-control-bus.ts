import type { ControlBus, ControlListener, ControlMessage } from "../control-ports.ts";

/**
 * The control bus of a single process (embedded mode): there is no other process to tell, so a
 * message reaches only subscribers of another origin, which in one process means none. Tests
 * link several buses with `link` to play separate processes.
 */
export class InProcessControlBus implements ControlBus {
  readonly origin: string;
  private readonly listeners = new Set<ControlListener>();
  private readonly peers: Set<InProcessControlBus>;

  constructor(origin: string, peers: Set<InProcessControlBus> = new Set()) {
    this.origin = origin;
    this.peers = peers;
    peers.add(this);
  }

  /** Another bus on the same simulated backplane. */
  link(origin: string): InProcessControlBus {
    return new InProcessControlBus(origin, this.peers);
  }

  publish(message: ControlMessage): Promise<void> {
    for (const peer of this.peers) if (peer.origin !== message.origin) peer.deliver(message);
    return Promise.resolve();
  }

  subscribe(listener: ControlListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Never disconnects, so never resynchronises. */
  onResync(_listener: () => void): () => void {
    return () => undefined;
  }

  close(): Promise<void> {
    this.peers.delete(this);
    this.listeners.clear();
    return Promise.resolve();
  }

  private deliver(message: ControlMessage): void {
    // Asynchronous like a real backplane, so a publisher never re-enters itself.
    queueMicrotask(() => {
      for (const listener of this.listeners) listener(message);
    });
  }
}
