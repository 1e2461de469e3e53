import { lstat, realpath } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { PermissionDeniedError } from "@dg/sdk/common";

function refuse(key: string, why: string): PermissionDeniedError {
  return new PermissionDeniedError(
    `Refusing to write ${JSON.stringify(key)} outside the destination folder: ${why}`,
    {
      hint: "The object key is unsafe as a local path; download it alone with an explicit destination file.",
    },
  );
}

/**
 * Check a key (relative to the downloaded prefix) for use as a local relative path and return
 * its segments. Refuses NUL bytes, absolute paths (`/x`, `\x`, `C:x`), and `..` segments (with
 * `/` or `\` as separators), so nothing can point outside the destination.
 *
 * @example
 * ```ts
 * safeRelativeSegments("v1/app.zip"); // ["v1", "app.zip"]
 * safeRelativeSegments("x/../../f"); // throws PermissionDeniedError
 * ```
 */
export function safeRelativeSegments(key: string): string[] {
  if (key.includes("\u0000")) throw refuse(key, "it contains a NUL byte");
  if (key.startsWith("/") || key.startsWith("\\") || /^[A-Za-z]:/.test(key)) {
    throw refuse(key, "it is an absolute path");
  }
  const segments = key.split(/[/\\]/).filter((segment) => segment !== "" && segment !== ".");
  if (segments.some((segment) => segment === "..")) throw refuse(key, "it contains ..");
  if (segments.length === 0) throw refuse(key, "it names no file");
  return segments;
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep);
}

/** The deepest ancestor of `path` (itself included) that exists, resolved through symlinks. */
async function realExistingAncestor(path: string): Promise<string> {
  let current = path;
  for (;;) {
    try {
      return await realpath(current);
    } catch {
      const parent = dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

/**
 * Resolve where a downloaded key goes under `root`, and prove it stays there: the path is
 * built from {@link safeRelativeSegments}, then the deepest existing folder on the way is
 * resolved through symlinks and must still be inside the (resolved) destination, and an
 * existing symlink at the target itself is refused.
 *
 * @example
 * ```ts
 * await resolveInside("/tmp/out", "v1/app.zip"); // "/tmp/out/v1/app.zip"
 * ```
 */
export async function resolveInside(root: string, key: string): Promise<string> {
  const segments = safeRelativeSegments(key);
  const absoluteRoot = resolve(root);
  const target = join(absoluteRoot, ...segments);
  if (!isInside(absoluteRoot, target)) throw refuse(key, "it resolves outside the folder");
  const realRoot = await realExistingAncestor(absoluteRoot);
  const realParent = await realExistingAncestor(dirname(target));
  if (realParent !== realRoot && !isInside(realRoot, realParent)) {
    throw refuse(key, "a symbolic link on the way points outside the folder");
  }
  const existing = await lstat(target).catch(() => undefined);
  if (existing?.isSymbolicLink()) throw refuse(key, "the target is a symbolic link");
  return target;
}

/**
 * Prove that `path` (found by walking `root`) may be deleted as part of `root`: it must be a
 * regular file, not a symbolic link, and its folder, resolved through symlinks, must lie inside
 * the resolved `root`. Throws PermissionDeniedError otherwise.
 *
 * @example
 * ```ts
 * await assertDeletableInside("/tmp/mirror", "/tmp/mirror/old/stale.txt");
 * ```
 */
export async function assertDeletableInside(root: string, path: string): Promise<void> {
  const refuseDelete = (why: string) =>
    new PermissionDeniedError(`Refusing to delete ${path}: ${why}`, {
      hint: "Only regular files inside the destination folder are deleted by --delete.",
    });
  const info = await lstat(path);
  if (!info.isFile()) throw refuseDelete("it is not a regular file");
  const realRoot = await realpath(resolve(root));
  const realFolder = await realpath(dirname(resolve(path)));
  if (realFolder !== realRoot && !isInside(realRoot, realFolder)) {
    throw refuseDelete("it lies outside the destination folder (through a symbolic link)");
  }
}
