import {
  createServer,
  type IncomingMessage,
  request as forwardRequest,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** A request the proxy holds back, with the part of its body read meanwhile. */
interface HeldRequest {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly seen: SeenRequest;
  readonly buffered: Buffer[];
  ended: boolean;
}

/** One request the proxy saw: its method, path (URL-decoded) and query. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
}

/**
 * A loopback HTTP proxy in front of an S3 server (moto) that logs every request and can hold
 * requests back: a held request is not forwarded (not one byte of it) until `release()`, and
 * one its client gives up on is dropped, never forwarded. Tests point the CLI at `endpoint` to
 * catch a transfer in flight at a point they choose, deterministically, instead of racing it.
 *
 * @example
 * ```ts
 * const proxy = await startGatedProxy(inject("s3Endpoint"));
 * proxy.hold((r) => r.method === "PUT" && r.path.startsWith("/bucket/releases/"));
 * const held = proxy.nextHeld("the upload");
 * // ... start the CLI with DG_ENDPOINT_URL=proxy.endpoint ...
 * await held; // a PUT is waiting at the proxy
 * proxy.release();
 * ```
 */
export async function startGatedProxy(target: string) {
  const upstream = new URL(target);
  const requests: SeenRequest[] = [];
  const forwarded: SeenRequest[] = [];
  let match: ((request: SeenRequest) => boolean) | undefined;
  let held: HeldRequest[] = [];
  let arrivals: ((seen: SeenRequest) => void)[] = [];

  /**
   * Pass a request on to the server. `buffered` holds the part of its body a hold already
   * read, and `ended` whether that was all of it.
   */
  const forward = (
    request: IncomingMessage,
    response: ServerResponse,
    seen: SeenRequest,
    held?: { readonly buffered: readonly Buffer[]; readonly ended: boolean },
  ) => {
    forwarded.push(seen);
    const headers = { ...request.headers };
    // The proxy already answered `100 Continue`; the body follows as it is piped.
    delete headers.expect;
    const outgoing = forwardRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers,
      },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
      },
    );
    outgoing.on("error", () => response.destroy());
    // The client gave up: so does the forwarded request.
    response.on("close", () => {
      if (!response.writableFinished) outgoing.destroy();
    });
    if (held === undefined) {
      request.pipe(outgoing);
      return;
    }
    for (const chunk of held.buffered) outgoing.write(chunk);
    if (held.ended) outgoing.end();
    else {
      // Stop the hold's reading (without losing a chunk), and pipe the rest.
      request.pause();
      request.removeAllListeners("data");
      request.removeAllListeners("end");
      request.pipe(outgoing);
    }
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://proxy");
    const seen: SeenRequest = {
      method: request.method ?? "GET",
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
    };
    requests.push(seen);
    if (match?.(seen)) {
      // The body is read (and kept) while the request waits, so that a client giving up is
      // noticed: a connection nobody reads from never reports its end.
      const entry: HeldRequest = { request, response, seen, buffered: [], ended: false };
      request.on("data", (chunk: Buffer) => entry.buffered.push(chunk));
      request.on("end", () => {
        entry.ended = true;
      });
      held.push(entry);
      response.on("close", () => {
        held = held.filter((other) => other !== entry);
      });
      const waiters = arrivals;
      arrivals = [];
      for (const waiter of waiters) waiter(seen);
      return;
    }
    forward(request, response, seen);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Every request seen so far, in order. */
    requests: requests as readonly SeenRequest[],
    /** The requests passed on to the server, in order (a held one once released). */
    forwarded: forwarded as readonly SeenRequest[],
    /** Hold the requests `accepts` from now on. */
    hold(accepts: (request: SeenRequest) => boolean): void {
      match = accepts;
    },
    /** Forward the held requests, and hold no more. */
    release(): void {
      match = undefined;
      const waiting = held;
      held = [];
      for (const entry of waiting) {
        if (!entry.response.destroyed) {
          forward(entry.request, entry.response, entry.seen, entry);
        }
      }
    },
    /** Requests held right now. */
    held: (): readonly SeenRequest[] => held.map((entry) => entry.seen),
    /**
     * The next request held (ask before it comes); fails after `timeoutMs`, naming `what` was
     * awaited, what is held and the last requests seen (to tell a lost key from a slow server).
     */
    nextHeld(what: string, timeoutMs = 60_000): Promise<SeenRequest> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const show = (r: SeenRequest) => `${r.method} ${r.path}?${r.query.toString()}`;
          const recent = requests.slice(-12).map(show);
          reject(
            new Error(
              `no request was held within ${timeoutMs} ms (waiting for ${what}); held now: ` +
                `[${held.map((entry) => show(entry.seen)).join(", ")}]; ` +
                `last ${recent.length} of ${requests.length} requests:\n  ${recent.join("\n  ")}`,
            ),
          );
        }, timeoutMs);
        arrivals.push((seen) => {
          clearTimeout(timer);
          resolve(seen);
        });
      });
    },
    async close(): Promise<void> {
      for (const entry of held) entry.response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type GatedProxy = Awaited<ReturnType<typeof startGatedProxy>>;
