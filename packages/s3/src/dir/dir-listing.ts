import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError } from "@dg/core";
import { compareUtf8 } from "../utf8-order.js";
import { parseName } from "./key-path.js";

/** A key, or a common prefix that stands for a whole folder rolled up by the delimiter. */
export interface ListItem {
  readonly key: string;
  readonly isPrefix: boolean;
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

/**
 * Walk the folders of a bucket that can hold keys in scope and return those keys, or a
 * common prefix for a folder the delimiter rolls up whole, in S3 order. Folders whose keys all
 * sort before `after`, or that cannot match the prefix, are not read.
 */
export async function collectItems(bucketDir: string, scope: ListScope): Promise<ListItem[]> {
  const prefix = Buffer.from(scope.prefix, "utf8");
  const after = Buffer.from(scope.after, "utf8");
  const delimiter = scope.delimiter ? Buffer.from(scope.delimiter, "utf8") : undefined;
  const items: ListItem[] = [];
  const rolledUp = new Set<string>();

  const walk = async (dir: string, base: Buffer): Promise<void> => {
    for (const name of await names(dir)) {
      const parsed = parseName(name);
      if (!parsed) continue;
      const bytes = Buffer.concat([base, parsed.bytes]);
      if (parsed.kind === "object") {
        if (startsWith(bytes, prefix) && Buffer.compare(bytes, after) > 0) {
          items.push({ key: bytes.toString("utf8"), isPrefix: false });
        }
        continue;
      }
      // Every key below starts with `bytes`.
      if (!startsWith(bytes, prefix) && !startsWith(prefix, bytes)) continue;
      if (Buffer.compare(bytes, after) < 0 && !startsWith(after, bytes)) continue;
      if (delimiter && bytes.length > prefix.length) {
        const at = bytes.indexOf(delimiter, prefix.length);
        if (at >= 0) {
          const common = bytes.subarray(0, at + delimiter.length).toString("utf8");
          if (!rolledUp.has(common) && (await holdsObject(join(dir, name)))) {
            rolledUp.add(common);
            items.push({ key: common, isPrefix: true });
          }
          continue;
        }
      }
      await walk(join(dir, name), bytes);
    }
  };
  await walk(bucketDir, Buffer.alloc(0));
  return items.sort((a, b) => compareUtf8(a.key, b.key));
}

function startsWith(bytes: Buffer, head: Buffer): boolean {
  return bytes.length >= head.length && bytes.subarray(0, head.length).equals(head);
}

/** Cut one page out of sorted items, rolling keys up by the delimiter as S3 does. */
export function pageItems(
  items: readonly ListItem[],
  scope: ListScope,
  maxKeys: number,
): { keys: string[]; commonPrefixes: string[]; last?: string } {
  const keys: string[] = [];
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
      return { keys, commonPrefixes, ...(last === undefined ? {} : { last }) };
    }
    (isPrefix ? commonPrefixes : keys).push(entry);
    last = entry;
  }
  return { keys, commonPrefixes };
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
