import type { Migration, MigrationFile, MigrationResult } from "@dg/sdk";
import type { CliContext } from "../context.js";
import type { TransferReporter } from "../ui/reporter.js";
import { hintOf, stackLines } from "./errors.js";
import { s3Text } from "./listing.js";
import { failureLine, storedNote, transferLine } from "./transfer-lines.js";

function sourceText(file: MigrationFile): string {
  return s3Text(file.source.bucket, file.source.key);
}

function destinationText(file: MigrationFile): string {
  return s3Text(file.destination.bucket, file.destination.key);
}

/**
 * Show a migration's events on a reporter, as every transfer of the CLI is shown: the plan,
 * each file's start and bytes, `copy: a to b (delta: …)` when it is done, `copy failed: a to
 * b: <message>` (with its hint, and the stack under --debug) when it fails. With `everyReason`
 * (the screens) a file stored whole says why whatever the reason. Resolves with the SDK's
 * result once the migration is over.
 *
 * @example
 * ```ts
 * const result = await reportMigration(ctx, client.migrate(plan), reporter);
 * ```
 */
export async function reportMigration(
  ctx: CliContext,
  migration: Migration,
  reporter: Omit<TransferReporter, "close">,
  options: { readonly everyReason?: boolean } = {},
): Promise<MigrationResult> {
  const quarters = new Map<number, number>();
  for await (const event of migration) {
    switch (event.type) {
      case "planned":
        reporter.plan(event.files, event.bytes);
        break;
      case "file-started":
        reporter.start(event.index, destinationText(event.file), event.file.size);
        ctx.out.debug(`copy started: ${sourceText(event.file)}`);
        break;
      case "progress": {
        reporter.advance(event.index, event.bytes);
        if (ctx.globals.debug && event.file.size > 0) {
          const quarter = Math.floor((event.fileBytesDone / event.file.size) * 4);
          if (quarter > (quarters.get(event.index) ?? 0) && quarter < 4) {
            quarters.set(event.index, quarter);
            ctx.out.debug(`copy progress: ${sourceText(event.file)} ${quarter * 25}%`);
          }
        }
        break;
      }
      case "file-done": {
        quarters.delete(event.index);
        const note = storedNote(
          {
            storageType: event.storageType,
            originalSize: event.originalSize,
            storedSize: event.storedSize,
            savingsPercent: event.savingsPercent,
            ...(event.directReason === undefined ? {} : { directReason: event.directReason }),
          },
          { everyReason: options.everyReason === true },
        );
        reporter.finish(
          event.index,
          transferLine("copy", sourceText(event.file), destinationText(event.file), { note }),
          {
            originalBytes: event.originalSize,
            storedBytes: event.storedSize,
            ...(event.directReason === undefined ? {} : { directReason: event.directReason }),
          },
        );
        break;
      }
      case "file-failed": {
        quarters.delete(event.index);
        const lines = [
          failureLine(
            "copy",
            sourceText(event.file),
            destinationText(event.file),
            event.error.message,
          ),
        ];
        const hint = hintOf(event.error);
        if (hint) lines.push(`  hint: ${hint}`);
        if (ctx.globals.debug) lines.push(...stackLines(event.error));
        reporter.fail(event.index, lines);
        break;
      }
    }
  }
  return migration.result;
}

/**
 * The lines of a dry run: `(dryrun) copy: a to b` for each planned file.
 *
 * @example
 * ```ts
 * for (const line of dryRunLines(plan.files)) ctx.out.line(line);
 * ```
 */
export function dryRunLines(files: readonly MigrationFile[]): string[] {
  return files.map((file) =>
    transferLine("copy", sourceText(file), destinationText(file), { dryrun: true }),
  );
}
