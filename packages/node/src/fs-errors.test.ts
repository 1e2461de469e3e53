import { open } from "node:fs/promises";
import { join } from "node:path";
import { CancelledError, isDgError, NotFoundError } from "@dg/core";
import { describe, expect, it } from "vitest";
import { errnoCode, mapFsError } from "./fs-errors.js";

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, open '/x'`), { code });
}

const context = { action: "write the file", path: "/data/out.bin" };

describe("mapFsError", () => {
  it.each([
    ["ENOENT", "NOT_FOUND", "No such file or folder", /Check the path/],
    ["ENOTDIR", "NOT_FOUND", "A part of the path is not a folder", /Check the path/],
    ["EISDIR", "INVALID_ARGUMENT", "Is a folder", /not a folder/],
    ["ENAMETOOLONG", "INVALID_ARGUMENT", "File name too long", /shorter/],
    ["ELOOP", "INVALID_ARGUMENT", "Too many levels of symbolic links", /symbolic links/],
    ["EEXIST", "CONFLICT", "Already exists", /another name/],
    ["EACCES", "PERMISSION_DENIED", "Permission denied", /permissions/],
    ["EPERM", "PERMISSION_DENIED", "Operation not permitted", /permissions/],
    ["EROFS", "PERMISSION_DENIED", "Read-only file system", /writable/],
    ["ENOSPC", "UNAVAILABLE", "No space left on the device", /disk space/],
    ["EDQUOT", "UNAVAILABLE", "Disk quota exceeded", /disk space/],
    ["EMFILE", "UNAVAILABLE", "Too many open files", /ulimit/],
    ["ENFILE", "UNAVAILABLE", "Too many open files in the system", /concurrency/],
    ["EBUSY", "UNAVAILABLE", "Resource busy", /again/],
    ["EAGAIN", "UNAVAILABLE", "Resource temporarily unavailable", /again/],
    ["EIO", "UNAVAILABLE", "Input/output error", /disk/],
  ])("maps %s to %s with a reason and a hint", (code, dgCode, reason, hint) => {
    const cause = errno(code);
    const mapped = mapFsError(cause, context);
    expect(mapped.code).toBe(dgCode);
    expect(mapped.message).toBe(`Could not write the file /data/out.bin: ${reason}`);
    expect(mapped.hint).toMatch(hint);
    expect(mapped.cause).toBe(cause);
  });

  it("marks a full disk as not worth retrying, and a busy file system as retryable", () => {
    expect(mapFsError(errno("ENOSPC"), context).retryable).toBe(false);
    expect(mapFsError(errno("EMFILE"), context).retryable).toBe(true);
  });

  it("lets the caller's hint replace the default one", () => {
    const mapped = mapFsError(errno("EACCES"), { ...context, hint: "Set DG_CACHE_DIR." });
    expect(mapped.hint).toBe("Set DG_CACHE_DIR.");
  });

  it("maps a real missing file the same way", async () => {
    const path = join("/nonexistent-dg-folder", "missing.bin");
    const error = await open(path, "r").catch((e: unknown) => e);
    const mapped = mapFsError(error, { action: "open", path });
    expect(mapped).toBeInstanceOf(NotFoundError);
    expect(mapped.message).toBe(`Could not open ${path}: No such file or folder`);
  });

  it("maps an abort to CancelledError", () => {
    const abort = Object.assign(new Error("The operation was aborted"), {
      name: "AbortError",
      code: "ABORT_ERR",
    });
    expect(mapFsError(abort, context)).toBeInstanceOf(CancelledError);
  });

  it("passes the error family through, and keeps unknown errors typed", () => {
    const own = new NotFoundError("already mapped");
    expect(mapFsError(own, context)).toBe(own);

    const odd = mapFsError(errno("EXDEV"), context);
    expect(odd.code).toBe("UNAVAILABLE");
    expect(odd.retryable).toBe(false);
    expect(odd.message).toBe("Could not write the file /data/out.bin: EXDEV");
    expect(odd.hint).toBeDefined();

    const bug = mapFsError(new TypeError("not a buffer"), context);
    expect(isDgError(bug)).toBe(true);
    expect(bug.code).toBe("INTERNAL");
    expect(bug.message).toBe("Could not write the file /data/out.bin: not a buffer");
    expect(mapFsError("thrown text", context).code).toBe("INTERNAL");
  });
});

describe("errnoCode", () => {
  it("reads a system error's code and ignores Node's ERR_* codes and non-errors", () => {
    expect(errnoCode(errno("ENOENT"))).toBe("ENOENT");
    expect(errnoCode(Object.assign(new Error("x"), { code: "ERR_INVALID_ARG_TYPE" }))).toBe(
      undefined,
    );
    expect(errnoCode({ code: 2 })).toBe(undefined);
    expect(errnoCode(null)).toBe(undefined);
    expect(errnoCode("ENOENT")).toBe(undefined);
  });
});
