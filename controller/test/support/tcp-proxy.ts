import { KubeConfig } from "@kubernetes/client-node";
import { connect, createServer } from "node:net";
import type { Server, Socket } from "node:net";

/**
 * A TCP relay on 127.0.0.1 in front of the apiserver, so a test can take the apiserver away
 * (refuse and cut every connection) and bring it back, without restarting it. TLS passes through.
 */
export interface TcpProxy {
  port: number;
  /** Closes the listener and destroys every relayed connection (clients see refused/reset). */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    const created = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      created.once("error", reject);
      created.listen(port, "127.0.0.1", () => resolve());
    });
    const address = created.address();
    port = typeof address === "object" && address !== null ? address.port : port;
    server = created;
  };
  const cut = async (): Promise<void> => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  await listen();
  return { port, cut, restore: listen, close: cut };
}

/** A kubeconfig for the admin user that reaches the apiserver through `proxy` (so a test can cut it). */
export function kubeConfigThrough(proxy: TcpProxy, kube: { caFile: string; token: string }): KubeConfig {
  const viaProxy = new KubeConfig();
  viaProxy.loadFromOptions({
    clusters: [{ name: "proxy", server: `https://127.0.0.1:${proxy.port}`, caFile: kube.caFile }],
    users: [{ name: "admin", token: kube.token }],
    contexts: [{ name: "proxy", cluster: "proxy", user: "admin" }],
    currentContext: "proxy",
  });
  return viaProxy;
}
