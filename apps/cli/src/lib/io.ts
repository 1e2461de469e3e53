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
