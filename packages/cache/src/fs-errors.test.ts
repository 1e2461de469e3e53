import { describe, expect, it } from "vitest";
import { mapFsError } from "./fs-errors.js";

/** What Node's recursive mkdir throws under a read-only file system (not EROFS). */
const readOnlyMkdir = (path: string) =>
  Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${path}'`), {
    code: "ENOENT",
    errno: -2,
    syscall: "mkdir",
    path,
  });

describe("mapFsError", () => {
  it("calls a folder that cannot be created under a read-only parent permission denied", () => {
    const error = mapFsError(readOnlyMkdir("/ro/cache/references"), {
      action: "create the cache folder",
      path: "/ro/cache/references",
    });
    expect(error.code).toBe("PERMISSION_DENIED");
    expect(error.message).toContain("permission denied");
    expect(error.hint).toEqual(expect.any(String));
  });

  it("keeps ENOENT of anything else a missing file", () => {
    const missing = Object.assign(new Error("ENOENT"), { code: "ENOENT", syscall: "open" });
    expect(mapFsError(missing, { action: "open the file", path: "/x" }).code).toBe("NOT_FOUND");
  });
});
