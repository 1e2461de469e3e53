import { rmSync } from "node:fs";

const paths = new Set<string>();
let installed = false;

/**
 * Delete `path` (a file, or a folder with all it holds) when the process exits normally, unless
 * {@link forgetAtExit} is called first. Not on SIGKILL, nor on a signal the application does not
 * handle: what those leave behind is named with the process id (see `tempName`), for a later
 * run to recognise.
 *
 * @example
 * ```ts
 * removeAtExit(tempPath);
 * await rename(tempPath, finalPath);
 * forgetAtExit(tempPath);
 * ```
 */
export function removeAtExit(path: string): void {
  paths.add(path);
  if (!installed) {
    installed = true;
    process.once("exit", removeAll);
  }
}

/**
 * Stop {@link removeAtExit} from deleting `path` (it was deleted, or moved into place).
 *
 * @example
 * ```ts
 * forgetAtExit(tempPath);
 * ```
 */
export function forgetAtExit(path: string): void {
  paths.delete(path);
}

function removeAll(): void {
  for (const path of paths) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Not ours to delete any more, or not deletable: nothing more to do at exit.
    }
  }
  paths.clear();
}
