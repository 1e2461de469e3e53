import { describe, expect, it } from "vitest";
import { mapFsError } from "./map-fs-error.js";

/** What Node's recursive mkdir throws under a read-only file system (not EROFS). */
const readOnlyMkdir = (path: string) =>
  Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${path}'`), {
    code: "ENOENT",
    errno: -2,
    syscall: "mkdir",
    path,
  });

describe("mapFsError of the directory store", () => {
  it("calls a folder that cannot be created under a read-only parent permission denied", () => {
    const error = mapFsError(readOnlyMkdir("/ro/store"), "bucket abc");
    expect(error.code).toBe("PERMISSION_DENIED");
    expect(error.message).toMatch(/^Permission denied on bucket abc/);
    expect(error.hint).toContain("read-only");
  });

  it("keeps ENOENT of anything else a missing object, with a hint", () => {
    const missing = Object.assign(new Error("ENOENT"), { code: "ENOENT", syscall: "open" });
    const error = mapFsError(missing, "s3://b/k");
    expect(error.code).toBe("NOT_FOUND");
    expect(error.hint).toEqual(expect.any(String));
  });
});
