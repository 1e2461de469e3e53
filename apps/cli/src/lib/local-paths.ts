import { ConflictError } from "@dg/sdk/common";
import { safeRelativeSegments } from "./path-safety.js";

/** An object to download, by its key relative to the downloaded prefix. */
export interface KeyedItem<T> {
  readonly relative: string;
  readonly value: T;
}

/** Where one item goes: its normalised local path, or why it cannot be written. */
export type PlacedItem<T> = KeyedItem<T> &
  ({ readonly path: string; readonly error?: undefined } | { readonly error: Error });

export interface LocalPathPlan<T> {
  /** Every item, in input order, with its local path or its refusal. */
  readonly items: readonly PlacedItem<T>[];
  /** Items that can be written, by normalised relative path (`/` separators). */
  readonly byPath: ReadonlyMap<string, KeyedItem<T>>;
  /** Every normalised path some safe key maps to, refused or not (never delete those). */
  readonly claimed: ReadonlySet<string>;
}

/**
 * Map keys (relative to a downloaded prefix) to local relative paths the way the download
 * writes them (`.` and empty segments dropped, `\` as a separator), so they can be compared
 * with a walk of the local folder. Unsafe keys are refused, and so are all keys that land on
 * the same local path (none of them would survive the others) and a key whose path is a
 * folder another key needs (`a` next to `a/b`).
 *
 * @example
 * ```ts
 * planLocalPaths([{ relative: "w/./y", value: 1 }]).byPath.get("w/y"); // { relative: "w/./y", value: 1 }
 * ```
 */
export function planLocalPaths<T>(input: Iterable<KeyedItem<T>>): LocalPathPlan<T> {
  const groups = new Map<string, KeyedItem<T>[]>();
  const paths = new Map<KeyedItem<T>, string | Error>();
  for (const item of input) {
    let path: string;
    try {
      path = safeRelativeSegments(item.relative).join("/");
    } catch (error) {
      paths.set(item, error as Error);
      continue;
    }
    paths.set(item, path);
    const group = groups.get(path);
    if (group) group.push(item);
    else groups.set(path, [item]);
  }
  const errors = new Map<KeyedItem<T>, Error>();
  const refuse = (item: KeyedItem<T>, error: Error) => {
    if (!errors.has(item)) errors.set(item, error);
  };
  for (const [path, group] of groups) {
    if (group.length > 1) {
      const names = group.map((item) => JSON.stringify(item.relative)).join(", ");
      const error = new ConflictError(`Keys ${names} all map to the same local file ${path}`, {
        hint: "None of them is written; download each alone to an explicit destination file.",
      });
      for (const item of group) refuse(item, error);
    }
    // A key that is a file where another key needs a folder (`a` and `a/b`): a file system
    // cannot hold both, so neither is written (aws s3 fails these too).
    for (let at = path.indexOf("/"); at !== -1; at = path.indexOf("/", at + 1)) {
      const folder = path.slice(0, at);
      const files = groups.get(folder);
      if (files === undefined) continue;
      const [file] = files;
      const [nested] = group;
      const error = new ConflictError(
        `Key ${JSON.stringify(file?.relative)} is a file where key ${JSON.stringify(nested?.relative)} needs the folder ${folder}`,
        { hint: "Neither is written; download each alone to an explicit destination." },
      );
      for (const item of [...files, ...group]) refuse(item, error);
    }
  }
  const byPath = new Map<string, KeyedItem<T>>();
  for (const [path, group] of groups) {
    const [first] = group;
    if (group.length === 1 && first && !errors.has(first)) byPath.set(path, first);
  }
  const items: PlacedItem<T>[] = [];
  for (const [item, path] of paths) {
    const error = path instanceof Error ? path : errors.get(item);
    items.push(
      error === undefined
        ? { ...item, path: path as string }
        : { relative: item.relative, value: item.value, error },
    );
  }
  return { items, byPath, claimed: new Set(groups.keys()) };
}
