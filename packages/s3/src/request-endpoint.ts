import type { S3Client } from "@aws-sdk/client-s3";

const MIDDLEWARE = "dgRequestEndpoint";

/**
 * The property the output and the errors of a request get: where the request went, e.g.
 * `http://127.0.0.1:9000` (not enumerable).
 */
export const REQUEST_ENDPOINT = "$dgEndpoint";

interface HttpRequestShape {
  readonly protocol?: string;
  readonly hostname?: string;
  readonly port?: number;
}

/**
 * Make the output and every error of `client`'s requests say which endpoint they went to, so
 * that `mapS3Error` can name the server that did not answer (also when a body goes silent
 * later). Once per client; it wraps the retries, so it sees the final error.
 *
 * @example
 * ```ts
 * const client = withRequestEndpoint(new S3Client({ endpoint }));
 * ```
 */
export function withRequestEndpoint(client: S3Client): S3Client {
  const stack = client.middlewareStack;
  if (stack.identify().some((entry) => entry.startsWith(`${MIDDLEWARE} `))) return client;
  stack.add(
    (next) => async (args) => {
      const request = (args as { request?: HttpRequestShape }).request;
      try {
        const result = await next(args);
        tag(result.output, request);
        return result;
      } catch (error) {
        tag(error, request);
        throw error;
      }
    },
    { step: "build", name: MIDDLEWARE },
  );
  return client;
}

function tag(target: unknown, request: HttpRequestShape | undefined): void {
  if (!request?.hostname || target === null || typeof target !== "object") return;
  const port = request.port === undefined ? "" : `:${request.port}`;
  tagRequestEndpoint(target, `${request.protocol ?? "https:"}//${request.hostname}${port}`);
}

/** Record on `target` (an output or an error) the endpoint a request went to. */
export function tagRequestEndpoint<T extends object>(target: T, endpoint: string): T {
  Object.defineProperty(target, REQUEST_ENDPOINT, { value: endpoint, configurable: true });
  return target;
}

/** The endpoint {@link withRequestEndpoint} recorded on an output or error, if any. */
export function requestEndpoint(value: unknown): string | undefined {
  const endpoint = (value as { [REQUEST_ENDPOINT]?: unknown } | null)?.[REQUEST_ENDPOINT];
  return typeof endpoint === "string" ? endpoint : undefined;
}
