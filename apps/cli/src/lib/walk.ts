import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";

/** A regular file found under a local folder. */
export interface LocalFile {
  readonly path: string;
  /** Path relative to the walked folder, with `/` separators. */
  readonly relative: string;
  readonly size: number;
  readonly mtime: Date;
}

export interface WalkOptions {
  /** Called for entries that are skipped (broken links, sockets, link loops). */
  readonly onSkip?: (path: string, reason: string) => void;
  readonly signal?: AbortSignal;
  /**
   * Follow symbolic links (default true, as `aws s3` does for uploads). With false, links are
   * reported through `onSkip` and never entered: use it for folders the caller may delete from.
   */
  readonly followSymlinks?: boolean;
}

/**
 * Every regular file under `root`, depth first in name order. Symbolic links are followed, as
 * `aws s3` does by default, with loop detection (or skipped with `followSymlinks: false`);
 * broken links and special files are skipped.
 *
 * @example
 * ```ts
 * for await (const file of walkFiles("./dist")) console.log(file.relative, file.size);
 * ```
 */
export async function* walkFiles(
  root: string,
  options: WalkOptions = {},
): AsyncGenerator<LocalFile, void, undefined> {
  const seen = new Set<string>([await realpath(root)]);
  yield* walkFolder(root, "", seen, options);
}

async function* walkFolder(
  folder: string,
  prefix: string,
  seen: Set<string>,
  options: WalkOptions,
): AsyncGenerator<LocalFile, void, undefined> {
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    options.signal?.throwIfAborted();
    const path = join(folder, entry.name);
    const relative = `${prefix}${entry.name}`;
    if (options.followSymlinks === false && (await isSymlink(path))) {
      options.onSkip?.(path, "symbolic link (not followed)");
      continue;
    }
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) {
      options.onSkip?.(path, "broken symbolic link");
      continue;
    }
    if (info.isDirectory()) {
      const real = await realpath(path);
      if (seen.has(real)) {
        options.onSkip?.(path, "symbolic link loop");
        continue;
      }
      seen.add(real);
      yield* walkFolder(path, `${relative}/`, seen, options);
      seen.delete(real);
    } else if (info.isFile()) {
      yield { path, relative, size: info.size, mtime: info.mtime };
    } else {
      options.onSkip?.(path, "not a regular file");
    }
  }
}

async function isSymlink(path: string): Promise<boolean> {
  const info = await lstat(path).catch(() => undefined);
  return info?.isSymbolicLink() === true;
}
