/** A stream the CLI writes to: `process.stdout` or a test double. */
export interface OutputStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

/** A stream the CLI reads answers from: `process.stdin` or a test double. */
export type InputStream = NodeJS.ReadableStream & { readonly isTTY?: boolean };

/** Everything the CLI touches of its process, so that it can run in-process in tests. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: InputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted on Ctrl-C (SIGINT). */
  readonly signal: AbortSignal;
}

/** Standard output as a byte stream, for `cp s3://… -` (process.stdout is one). */
export interface ByteSink {
  write(chunk: Uint8Array): boolean;
  on(event: "drain", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  off(event: "drain", listener: () => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * The byte stream behind an output stream, when it is one (process.stdout is; a test double
 * that only collects text is not).
 *
 * @example
 * ```ts
 * const sink = byteSinkOf(io.stdout);
 * sink?.write(new Uint8Array([1, 2, 3]));
 * ```
 */
export function byteSinkOf(stream: OutputStream): ByteSink | undefined {
  const candidate = stream as Partial<Record<"on" | "off", unknown>>;
  return typeof candidate.on === "function" && typeof candidate.off === "function"
    ? (stream as unknown as ByteSink)
    : undefined;
}
