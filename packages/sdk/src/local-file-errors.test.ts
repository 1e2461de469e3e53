import { describe, expect, it } from "vitest";
import { mapLocalFileError } from "./file-body.js";

/** What Node's recursive mkdir throws under a read-only file system (not EROFS). */
const readOnlyMkdir = (path: string) =>
  Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${path}'`), {
    code: "ENOENT",
    errno: -2,
    syscall: "mkdir",
    path,
  });

describe("mapLocalFileError", () => {
  it("calls a folder that cannot be created under a read-only parent permission denied", () => {
    const error = mapLocalFileError(
      readOnlyMkdir("/mnt/ro/sub"),
      "/mnt/ro/sub",
      "create the folder",
    );
    expect(error).toMatchObject({ code: "PERMISSION_DENIED", hint: expect.any(String) });
    expect(error.message).toMatch(/^Permission denied to create the folder \/mnt\/ro\/sub/);
  });

  it.each(["EACCES", "EPERM", "EROFS", "ENOSPC", "EISDIR", "ENOTDIR", "ENOENT", "EIO"])(
    "gives %s a hint",
    (code) => {
      const error = mapLocalFileError(Object.assign(new Error(code), { code }), "/x/y", "write");
      expect((error as { hint?: string }).hint).toEqual(expect.any(String));
    },
  );
});
