import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

// What Node's recursive mkdir rejects with under a read-only parent (EROFS, or EACCES for a
// user): the ENOENT of the stat it makes after the real error. Seen on a read-only tmpfs.
const failNext = vi.hoisted(() => ({ path: undefined as string | undefined }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...actual,
    mkdir: (path: string, options?: object) => {
      if (path === failNext.path) {
        return Promise.reject(
          Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${path}'`), {
            code: "ENOENT",
            errno: -2,
            syscall: "mkdir",
            path,
          }),
        );
      }
      return actual.mkdir(path, options);
    },
  };
});

const { makeFolder } = await import("./file-io.js");

afterEach(() => {
  failNext.path = undefined;
});

describe("makeFolder", () => {
  it("creates the folder and its missing parents", async () => {
    const path = join(tmpdir(), `dg-make-folder-${process.pid}`, "a", "b");
    await makeFolder(path, { mode: 0o700 });
    expect((await stat(path)).isDirectory()).toBe(true);
  });

  it("calls a parent it may not write permission denied, not 'No such file'", async () => {
    failNext.path = "/mnt/read-only/sub";
    const error = await makeFolder("/mnt/read-only/sub", {
      action: "create the cache folder",
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PERMISSION_DENIED", hint: expect.any(String) });
    expect((error as Error).message).toMatch(
      /^Could not create the cache folder \/mnt\/read-only\/sub: Permission denied/,
    );
  });

  it("maps other failures as mapFsError does (a file in the way)", async () => {
    const error = await makeFolder(join(process.execPath, "sub")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NOT_FOUND" });
    expect((error as Error).message).toContain("A part of the path is not a folder");
  });
});
