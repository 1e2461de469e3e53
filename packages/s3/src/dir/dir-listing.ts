import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError } from "@dg/core";
import { compareUtf8 } from "../utf8-order.js";
import { parseName, parseNameUnder } from "./key-path.js";

/** A key, or a common prefix that stands for a whole folder rolled up by the delimiter. */
export interface ListItem {
  readonly key: string;
  readonly isPrefix: boolean;
  /** For a key: its object file, as the folder it was found in and the file's name. */
  readonly file?: { readonly dir: string; readonly name: string };
}

export interface ListScope {
  readonly prefix: string;
  readonly delimiter: string | undefined;
  /** List only entries after this one (from `startAfter` or a continuation token). */
  readonly after: string;
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    // A folder pruned by a concurrent delete is simply empty.
    if ((error as { code?: string }).code === "ENOENT") return [];
    throw error;
  }
}

/** Whether a folder holds at least one object, at any depth. */
async function holdsObject(dir: string): Promise<boolean> {
  const entries = await names(dir);
  const folders: string[] = [];
  for (const name of entries) {
    const parsed = parseName(name);
    if (parsed?.kind === "object") return true;
    if (parsed) folders.push(name);
  }
  for (const name of folders) if (await holdsObject(join(dir, name))) return true;
  return false;
}

/** The smallest items of a listing's scope, and whether they are all of them. */
export interface CollectedItems {
  readonly items: ListItem[];
  /** False when items beyond the `limit` smallest were left out. */
  readonly complete: boolean;
}

/**
 * Walk the folders of a bucket that can hold keys in scope and return those keys, or a
 * common prefix for a folder the delimiter rolls up whole, in S3 order: at most the `limit`
 * smallest of them. Folders whose keys all sort before `after`, or that cannot match the
 * prefix, are not read; once `limit` items are found, neither are folders whose keys all sort
 * after them (so a page costs about its own entries, not the rest of the bucket).
 */
export async function collectItems(
  bucketDir: string,
  scope: ListScope,
  limit = Number.POSITIVE_INFINITY,
): Promise<CollectedItems> {
  const prefix = Buffer.from(scope.prefix, "utf8");
  const after = Buffer.from(scope.after, "utf8");
  const delimiter = scope.delimiter ? Buffer.from(scope.delimiter, "utf8") : undefined;
  let items: { item: ListItem; bytes: Buffer }[] = [];
  const rolledUp = new Set<string>();
  /** Once `limit` items are known: the largest of them; anything above it is left out. */
  let cutoff: Buffer | undefined;
  const byBytes = (a: { bytes: Buffer }, b: { bytes: Buffer }) => Buffer.compare(a.bytes, b.bytes);
  const add = (bytes: Buffer, isPrefix: boolean, file?: ListItem["file"]) => {
    if (cutoff !== undefined && Buffer.compare(bytes, cutoff) > 0) return;
    const key = bytes.toString("utf8");
    items.push({ item: file ? { key, isPrefix, file } : { key, isPrefix }, bytes });
    // Keep at most twice the limit: sort, keep the smallest, and note the largest kept.
    if (items.length >= 2 * limit) {
      items.sort(byBytes);
      items = items.slice(0, limit);
      cutoff = items[items.length - 1]?.bytes;
    }
  };

  const walk = async (dir: string, base: Buffer): Promise<void> => {
    const entries: { name: string; kind: string; bytes: Buffer }[] = [];
    for (const name of await names(dir)) {
      const parsed = parseNameUnder(name, base);
      if (parsed) entries.push({ name, kind: parsed.kind, bytes: parsed.bytes });
    }
    // In key order, so that the walk can stop at the first entry past the cutoff: every key
    // under an entry starts with its bytes, so sorts at or after them.
    entries.sort(byBytes);
    for (const { name, kind, bytes } of entries) {
      if (cutoff !== undefined && Buffer.compare(bytes, cutoff) > 0) return;
      if (kind === "object") {
        if (startsWith(bytes, prefix) && Buffer.compare(bytes, after) > 0) {
          add(bytes, false, { dir, name });
        }
        continue;
      }
      // Every key below starts with `bytes`.
      if (!startsWith(bytes, prefix) && !startsWith(prefix, bytes)) continue;
      if (Buffer.compare(bytes, after) < 0 && !startsWith(after, bytes)) continue;
      if (delimiter && bytes.length > prefix.length) {
        const at = bytes.indexOf(delimiter, prefix.length);
        if (at >= 0) {
          const commonBytes = bytes.subarray(0, at + delimiter.length);
          const common = commonBytes.toString("utf8");
          if (!rolledUp.has(common) && (await holdsObject(join(dir, name)))) {
            rolledUp.add(common);
            add(Buffer.from(commonBytes), true);
          }
          continue;
        }
      }
      await walk(join(dir, name), bytes);
    }
  };
  await walk(bucketDir, Buffer.alloc(0));
  items.sort(byBytes);
  const complete = cutoff === undefined && items.length <= limit;
  return { items: items.slice(0, limit).map((entry) => entry.item), complete };
}

function startsWith(bytes: Buffer, head: Buffer): boolean {
  return bytes.length >= head.length && bytes.subarray(0, head.length).equals(head);
}

/** Cut one page out of sorted items, rolling keys up by the delimiter as S3 does. */
export function pageItems(
  items: readonly ListItem[],
  scope: ListScope,
  maxKeys: number,
): { keys: string[]; commonPrefixes: string[]; objects: ListItem[]; last?: string } {
  const keys: string[] = [];
  /** The items of `keys`, in the same order. */
  const objects: ListItem[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  for (const item of items) {
    if (scope.after && compareUtf8(item.key, scope.after) <= 0) continue;
    let entry = item.key;
    let isPrefix = item.isPrefix;
    if (!isPrefix && scope.delimiter) {
      const at = entry.indexOf(scope.delimiter, scope.prefix.length);
      if (at >= 0) {
        entry = entry.slice(0, at + scope.delimiter.length);
        isPrefix = true;
      }
    }
    if (isPrefix) {
      if (entry === last) continue;
      if (scope.after && compareUtf8(entry, scope.after) <= 0) continue;
    }
    if (keys.length + commonPrefixes.length >= maxKeys) {
      return { keys, commonPrefixes, objects, ...(last === undefined ? {} : { last }) };
    }
    if (isPrefix) commonPrefixes.push(entry);
    else {
      keys.push(entry);
      objects.push(item);
    }
    last = entry;
  }
  return { keys, commonPrefixes, objects };
}

/** Continuation tokens are the last entry of the page, base64url-encoded. */
export function encodeToken(last: string): string {
  return Buffer.from(last, "utf8").toString("base64url");
}

export function decodeToken(token: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(token)) {
    throw new InvalidArgumentError("Invalid continuation token.", {
      hint: "Pass back the nextContinuationToken of the previous page unchanged.",
    });
  }
  return Buffer.from(token, "base64url").toString("utf8");
}
