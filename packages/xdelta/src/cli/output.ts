import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { link, open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Writable } from "node:stream";
import { ConflictError } from "@dg/core";

/**
 * Write `chunks` to `path`, or to `stdout` when `path` is "-". A file is written to a
 * temporary name in the same directory and moved into place at the end, so a failure leaves
 * nothing half-written. Without `force`, an existing file is never replaced.
 *
 * @example
 * ```ts
 * await writeOutput(codec.encode(source, target), "v2.delta", { force: false, stdout });
 * ```
 */
export async function writeOutput(
  chunks: AsyncIterable<Uint8Array>,
  path: string,
  options: { readonly force: boolean; readonly stdout: Writable },
): Promise<void> {
  if (path === "-") {
    for await (const chunk of chunks) {
      if (!options.stdout.write(chunk)) await once(options.stdout, "drain");
    }
    return;
  }
  if (!options.force && (await exists(path))) throw refusal(path);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", 0o644);
  let moved = false;
  try {
    try {
      for await (const chunk of chunks) await handle.write(chunk);
    } finally {
      await handle.close();
    }
    if (options.force) {
      await rename(temp, path);
    } else {
      // link() fails if `path` appeared meanwhile: never replace a file without -f.
      try {
        await link(temp, path);
      } catch (error) {
        if ((error as { code?: unknown }).code === "EEXIST") throw refusal(path);
        throw error;
      }
      await unlink(temp);
    }
    moved = true;
  } finally {
    if (!moved) await unlink(temp).catch(() => {});
  }
}

function refusal(path: string): ConflictError {
  return new ConflictError(`${path} exists; use -f to overwrite it`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return false;
    throw error;
  }
}
