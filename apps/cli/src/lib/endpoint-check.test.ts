import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkFileEndpoint, endpointFrom } from "./endpoint-check.js";
import { UsageError } from "./errors.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "dg-cli-endpoint-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("checkFileEndpoint", () => {
  it("accepts other schemes, a folder and a missing folder", () => {
    expect(() => checkFileEndpoint(undefined)).not.toThrow();
    expect(() => checkFileEndpoint("http://127.0.0.1:9000")).not.toThrow();
    expect(() => checkFileEndpoint(pathToFileURL(dir).href)).not.toThrow();
    expect(() => checkFileEndpoint(pathToFileURL(join(dir, "missing")).href)).not.toThrow();
  });

  it.each([
    ["file://relative/dir", /host must be/],
    ["file:///tmp/x/st%ore", /malformed %-escape/],
  ])("refuses %s as a usage error with a hint", (endpoint, message) => {
    let error: unknown;
    try {
      checkFileEndpoint(endpoint);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).hint).toMatch(/file:\/\/\/absolute/);
  });

  it("refuses an endpoint that is a file", async () => {
    const file = join(dir, "file");
    await writeFile(file, "x");
    expect(() => checkFileEndpoint(pathToFileURL(file).href)).toThrow(/is not a folder/);
  });
});

describe("endpointFrom", () => {
  it("prefers the flag, then DG_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL", () => {
    expect(endpointFrom("a", { DG_ENDPOINT_URL: "b" })).toBe("a");
    expect(endpointFrom(undefined, { DG_ENDPOINT_URL: "", AWS_ENDPOINT_URL: "c" })).toBe("c");
    expect(endpointFrom(undefined, {})).toBeUndefined();
  });
});
