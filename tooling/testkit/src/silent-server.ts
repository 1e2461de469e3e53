import { createServer, type Socket } from "node:net";

/** A loopback server that accepts connections and never answers. */
export interface SilentServer {
  /** e.g. `http://127.0.0.1:40123` */
  readonly endpoint: string;
  /** Connections accepted so far (one per attempt of a request that got through). */
  connections(): number;
  /** Close every connection and stop listening. */
  close(): Promise<void>;
}

/**
 * Start a TCP server on a free loopback port that accepts every connection, reads what it is
 * sent and never writes a byte: the endpoint that makes clients without a read timeout wait
 * forever.
 *
 * @example
 * ```ts
 * const silent = await startSilentServer();
 * try { ... silent.endpoint ... } finally { await silent.close(); }
 * ```
 */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
