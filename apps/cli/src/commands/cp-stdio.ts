import { InternalError, type S3Uri } from "@dg/sdk/common";
import type { CliContext } from "../context.js";
import { EXIT, isCancellation, stackLines, UsageError } from "../lib/errors.js";
import { byteSinkOf } from "../lib/io.js";
import { streamUploadJob } from "../lib/jobs.js";
import { NOT_BYTE_IDENTICAL_NOTE } from "../lib/jobs.js";
import { s3Text } from "../lib/listing.js";
import { parseLocation } from "../lib/locations.js";
import type { ObjectFields } from "../lib/object-fields.js";
import { isClosedPipe, stdinChunks, writeToSink } from "../lib/stdio.js";
import { failureLine, transferLine } from "../lib/transfer-lines.js";
import { runTransfers } from "../lib/transfers.js";
import { createPlainReporter } from "../ui/plain-reporter.js";
import type { TransferSettings } from "./options.js";

/** The path argument that means standard input (as a source) or standard output. */
export const STDIO_ARG = "-";

/**
 * The path arguments as typed: yargs hands a lone `-` to a positional as `""`, so each empty
 * value takes back, in order, the raw `-` or `""` argument it came from.
 *
 * @example
 * ```ts
 * restoreDashArgs(["cp", "-", "s3://b/a.zip"], ["", "s3://b/a.zip"]); // ["-", "s3://b/a.zip"]
 * ```
 */
export function restoreDashArgs(argv: readonly string[], values: readonly string[]): string[] {
  const end = argv.indexOf("--");
  const raw = (end === -1 ? argv : argv.slice(0, end)).filter((arg) => arg === "-" || arg === "");
  let next = 0;
  return values.map((value) => {
    if (value !== "") return value;
    const typed = raw[next];
    next += 1;
    return typed ?? value;
  });
}

/** What `cp` passes on when one side is `-`. */
export interface StdioCopyRequest {
  readonly source: string;
  readonly destination: string;
  readonly recursive: boolean;
  readonly expectedSize: number | undefined;
  readonly settings: TransferSettings;
  /** Object fields for an upload (a download to standard output ignores them). */
  readonly fields?: ObjectFields;
}

/** Check `--expected-size`: a whole number of bytes. */
export function checkExpectedSize(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new UsageError(`--expected-size must be a whole number of bytes, not ${value}`, {
      hint: "Pass the length of standard input, e.g. --expected-size 1048576.",
    });
  }
  return value;
}

function objectUri(text: string, side: "source" | "destination", hint: string): S3Uri {
  const location = parseLocation(text);
  if (location.kind !== "s3") {
    throw new UsageError(
      `With - as the ${side === "source" ? "destination" : "source"}, the ${side} must be an S3 URI, not ${text}`,
      { hint },
    );
  }
  const { uri } = location;
  if (uri.key === "" || uri.key.endsWith("/")) {
    throw new UsageError(`${s3Text(uri.bucket, uri.key)} names a folder, not an object`, {
      hint:
        side === "destination"
          ? `Standard input has no name: give the full key, e.g. ${s3Text(uri.bucket, `${uri.key}file.zip`)}.`
          : "Name one object to write to standard output.",
    });
  }
  return uri;
}

/**
 * `cp - s3://b/key` (upload standard input) and `cp s3://b/key -` (download to standard
 * output). Returns the exit code.
 */
export async function copyStdio(ctx: CliContext, request: StdioCopyRequest): Promise<number> {
  const { source, destination } = request;
  if (source === STDIO_ARG && destination === STDIO_ARG) {
    throw new UsageError("Only one of the source and the destination can be -", {
      hint: "Use - for standard input as the source, or for standard output as the destination.",
    });
  }
  if (request.recursive) {
    throw new UsageError("- streams a single object; it cannot be used with --recursive", {
      hint: "Drop --recursive, or name a local folder instead of -.",
    });
  }
  if (source === STDIO_ARG) {
    const uri = objectUri(
      destination,
      "destination",
      "cp - s3://bucket/key reads standard input; use your shell to write it to a local file.",
    );
    return uploadStdin(ctx, uri, request.settings, request.expectedSize, request.fields ?? {});
  }
  if (request.expectedSize !== undefined) {
    throw new UsageError("--expected-size is for uploads from standard input (cp - s3://…)", {
      hint: "Drop --expected-size; a download's size is known from the object.",
    });
  }
  const uri = objectUri(
    source,
    "source",
    "cp s3://bucket/key - writes standard output; use your shell to read a local file.",
  );
  return downloadStdout(ctx, uri, request.settings);
}

async function uploadStdin(
  ctx: CliContext,
  destination: S3Uri,
  settings: TransferSettings,
  expectedSize: number | undefined,
  fields: ObjectFields,
): Promise<number> {
  const job = streamUploadJob(
    ctx.client(),
    () =>
      stdinChunks(ctx.io.stdin, {
        signal: ctx.signal,
        ...(expectedSize === undefined ? {} : { expectedSize }),
      }),
    destination.bucket,
    destination.key,
    settings,
    { fields, ...(expectedSize === undefined ? {} : { size: expectedSize }) },
  );
  if (!settings.dryrun && !settings.quiet && ctx.io.stdin.isTTY === true) {
    ctx.out.warn("reading the file from standard input (the terminal); end it with Ctrl-D");
  }
  // Lines only: a progress screen would share the terminal with the input.
  const reporter = createPlainReporter(ctx.out, { quiet: settings.quiet });
  const { failed } = await runTransfers(ctx, [job], {
    concurrency: 1,
    dryrun: settings.dryrun,
    reporter,
  });
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

/**
 * Stream the original bytes to stdout, verified as they go. Nothing else goes to stdout: the
 * dry-run line and failures are on stderr, and success prints nothing (as `aws s3 cp … -`).
 */
async function downloadStdout(
  ctx: CliContext,
  source: S3Uri,
  settings: TransferSettings,
): Promise<number> {
  const shown = s3Text(source.bucket, source.key);
  if (settings.dryrun) {
    ctx.out.error(transferLine("download", shown, STDIO_ARG, { dryrun: true }));
    return EXIT.ok;
  }
  const sink = byteSinkOf(ctx.io.stdout);
  if (sink === undefined) throw new InternalError("Standard output cannot take bytes here");
  let written = 0;
  try {
    const object = await ctx.client().getObject(
      { Bucket: source.bucket, Key: source.key },
      {
        signal: ctx.signal,
        ...(settings.recoverExternalCompression
          ? {
              recoverExternalCompression: true,
              // Standard output carries the bytes: the note goes to stderr, before them.
              onNotByteIdentical: () =>
                ctx.out.warn(`${shown}: ${NOT_BYTE_IDENTICAL_NOTE.slice(1, -1)}`),
            }
          : {}),
      },
    );
    await writeToSink(object.Body, sink, {
      signal: ctx.signal,
      onBytes: (bytes) => {
        written += bytes;
      },
    });
  } catch (error) {
    // The reader went away (`| head -c 100`): it has what it wanted, as with `ls | head`.
    if (isClosedPipe(error)) {
      ctx.out.debug(`download stopped: ${shown}: standard output was closed`);
      return EXIT.ok;
    }
    if (ctx.signal.aborted || isCancellation(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const taken =
      written > 0 ? ` (the ${written} bytes already written to standard output are not valid)` : "";
    ctx.out.error(failureLine("download", shown, STDIO_ARG, `${message}${taken}`));
    if (ctx.globals.debug) for (const line of stackLines(error)) ctx.out.error(line);
    return EXIT.failed;
  }
  ctx.out.debug(`download finished: ${shown} to - (${written} bytes, SHA-256 checked)`);
  return EXIT.ok;
}
