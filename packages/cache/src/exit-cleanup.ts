import { unlinkSync } from "node:fs";

const paths = new Set<string>();
let installed = false;

/**
 * Deletes `path` when the process exits normally (not on SIGKILL, nor on a signal the
 * application does not handle), unless {@link forgetAtExit} is called first.
 */
export function removeAtExit(path: string): void {
  paths.add(path);
  if (!installed) {
    installed = true;
    process.once("exit", removeAll);
  }
}

export function forgetAtExit(path: string): void {
  paths.delete(path);
}

function removeAll(): void {
  for (const path of paths) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone, or not ours to delete any more: nothing to do at exit.
    }
  }
  paths.clear();
}
