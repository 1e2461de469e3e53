import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasCode } from "@dg/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertDeletableInside, resolveInside, safeRelativeSegments } from "./path-safety.js";

describe("safeRelativeSegments", () => {
  it("splits ordinary keys", () => {
    expect(safeRelativeSegments("v1/app.zip")).toEqual(["v1", "app.zip"]);
    expect(safeRelativeSegments("a//b/./c")).toEqual(["a", "b", "c"]);
  });
  it.each([
    "x/../../f",
    "../x",
    "..",
    "/etc/passwd",
    "\\windows\\x",
    "..\\x",
    "a\\..\\..\\b",
    "C:evil",
    "a\u0000b",
    "",
    "./",
  ])("refuses %j", (key) => {
    expect(() => safeRelativeSegments(key)).toThrow(/Refusing to write/);
  });
});

describe("resolveInside", () => {
  let root: string;
  let outside: string;
  beforeEach(async () => {
    const base = await mkdtemp(join(tmpdir(), "dg-cli-path-"));
    root = join(base, "dest");
    outside = join(base, "outside");
    await mkdir(root);
    await mkdir(outside);
  });
  afterEach(async () => {
    await rm(join(root, ".."), { recursive: true, force: true });
  });

  it("resolves keys inside the destination", async () => {
    expect(await resolveInside(root, "v1/app.zip")).toBe(join(root, "v1", "app.zip"));
  });
  it("works when the destination does not exist yet", async () => {
    const fresh = join(root, "new", "deeper");
    expect(await resolveInside(fresh, "a/b.zip")).toBe(join(fresh, "a", "b.zip"));
  });
  it("refuses a path through a symlink that leaves the destination", async () => {
    await symlink(outside, join(root, "link"));
    const error = await resolveInside(root, "link/f.zip").catch((e: unknown) => e);
    expect(hasCode(error, "PERMISSION_DENIED")).toBe(true);
  });
  it("refuses a target that is itself a symlink", async () => {
    await writeFile(join(outside, "victim"), "x");
    await symlink(join(outside, "victim"), join(root, "f.zip"));
    await expect(resolveInside(root, "f.zip")).rejects.toThrow(/symbolic link/);
  });
  it("accepts a symlink that stays inside", async () => {
    await mkdir(join(root, "real"));
    await symlink(join(root, "real"), join(root, "alias"));
    expect(await resolveInside(root, "alias/f.zip")).toBe(join(root, "alias", "f.zip"));
  });
  it("refuses traversal before touching the disk", async () => {
    await expect(resolveInside(root, "x/../../f")).rejects.toThrow(/contains \.\./);
  });
});

describe("assertDeletableInside", () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "dg-cli-delete-"));
    await mkdir(join(base, "dest/sub"), { recursive: true });
    await mkdir(join(base, "outside"));
    await writeFile(join(base, "dest/sub/file.txt"), "x");
    await writeFile(join(base, "outside/important.txt"), "precious");
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("accepts a regular file inside the folder", async () => {
    await expect(
      assertDeletableInside(join(base, "dest"), join(base, "dest/sub/file.txt")),
    ).resolves.toBeUndefined();
  });

  it("refuses a file reached through a symlinked folder", async () => {
    await symlink(join(base, "outside"), join(base, "dest/link"));
    await expect(
      assertDeletableInside(join(base, "dest"), join(base, "dest/link/important.txt")),
    ).rejects.toThrow(/outside the destination/);
  });

  it("refuses a symbolic link itself", async () => {
    await symlink(join(base, "outside/important.txt"), join(base, "dest/alias"));
    await expect(
      assertDeletableInside(join(base, "dest"), join(base, "dest/alias")),
    ).rejects.toThrow(/not a regular file/);
  });
});
