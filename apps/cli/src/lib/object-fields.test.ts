import { describe, expect, it } from "vitest";
import { UsageError } from "./errors.js";
import {
  copyDirectiveOf,
  ignoredCopyFieldsWarning,
  objectFieldsFrom,
  parseExpiresArg,
  parseMetadataArg,
} from "./object-fields.js";

function usageErrorOf(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error("expected a UsageError");
}

describe("parseMetadataArg", () => {
  it("reads aws's key=value shorthand, lower-casing keys and keeping = in values", () => {
    expect(parseMetadataArg("build=42,Branch=main,query=a=b,empty=")).toEqual({
      build: "42",
      branch: "main",
      query: "a=b",
      empty: "",
    });
  });

  it("reads a JSON object, where values may hold commas and non-ASCII text", () => {
    expect(parseMetadataArg(' {"Comment":"a, b","owner":"Zoë"} ')).toEqual({
      comment: "a, b",
      owner: "Zoë",
    });
  });

  it.each([
    ["", "empty"],
    ["build", "has no ="],
    ["a=1,", "has no ="],
    ["=1", "without a key"],
    ["a b=1", "not a valid header name"],
    ["a:b=1", "not a valid header name"],
    ["Build=1,build=2", "twice"],
    ["{nope", "not valid JSON"],
    ["[1,2]", "must be an object"],
    ['{"n":42}', "must be a string"],
    ['{"":"x"}', "without a key"],
  ])("refuses %j (%s)", (text, message) => {
    expect(usageErrorOf(() => parseMetadataArg(text)).message).toContain(message);
  });

  it.each(["dg-file-sha256=abc", "DG-Note=x", "dg_tool=x", '{"file_sha256":"x"}'])(
    "refuses deltaglider's own key in %j, with a hint",
    (text) => {
      const error = usageErrorOf(() => parseMetadataArg(text));
      expect(error.message).toContain("reserved by deltaglider");
      expect(error.hint).toContain("dg-");
    },
  );
});

describe("parseExpiresArg", () => {
  it.each([
    ["2030-01-01T12:00:00Z", "2030-01-01T12:00:00.000Z"],
    ["2030-01-01T12:00:00+02:00", "2030-01-01T10:00:00.000Z"],
    ["2030-01-01T12:00:00-0130", "2030-01-01T13:30:00.000Z"],
    ["2030-01-01T12:00:00.750Z", "2030-01-01T12:00:00.000Z"],
    ["2030-01-01T12:00", "2030-01-01T12:00:00.000Z"],
    ["2030-01-01 12:00:00", "2030-01-01T12:00:00.000Z"],
    ["2030-01-01", "2030-01-01T00:00:00.000Z"],
    ["2028-02-29", "2028-02-29T00:00:00.000Z"],
  ])("reads %s (no zone: UTC)", (text, iso) => {
    expect(parseExpiresArg(text).toISOString()).toBe(iso);
  });

  it.each([
    "tomorrow",
    "2030-02-30",
    "2029-02-29",
    "2030-13-01",
    "2030-01-01T24:00:00Z",
    "2030-01-01T12:60Z",
    "1893456000",
    "Tue, 01 Jan 2030 00:00:00 GMT",
    "",
  ])("refuses %j with a hint", (text) => {
    const error = usageErrorOf(() => parseExpiresArg(text));
    expect(error.message).toContain("--expires");
    expect(error.hint).toContain("2030-01-01T00:00:00Z");
  });
});

describe("objectFieldsFrom", () => {
  it("is empty when no flag is given", () => {
    expect(objectFieldsFrom({})).toEqual({});
  });

  it("gathers every field", () => {
    expect(
      objectFieldsFrom({
        contentType: "application/zip",
        cacheControl: "max-age=60",
        contentDisposition: 'attachment; filename="a.zip"',
        contentEncoding: "identity",
        contentLanguage: "en-US",
        expires: "2030-01-01T00:00:00Z",
        metadata: "build=42",
        metadataDirective: "REPLACE",
      }),
    ).toEqual({
      contentType: "application/zip",
      metadata: { build: "42" },
      headers: {
        cacheControl: "max-age=60",
        contentDisposition: 'attachment; filename="a.zip"',
        contentEncoding: "identity",
        contentLanguage: "en-US",
        expires: new Date("2030-01-01T00:00:00Z"),
      },
      metadataDirective: "REPLACE",
    });
  });

  it.each([
    [{ cacheControl: "a\nb" }, "--cache-control"],
    [{ contentLanguage: "en\u0007" }, "--content-language"],
    [{ contentType: "" }, "--content-type"],
    [{ contentType: "text/plain\r\nX-Evil: 1" }, "--content-type"],
    [{ metadataDirective: "MERGE" }, "--metadata-directive"],
    [{ expires: "soon" }, "--expires"],
    [{ metadata: ["a=1", "b=2"] }, "--metadata is given 2 times"],
    [{ contentType: ["a/b", "c/d"] }, "--content-type is given 2 times"],
    [{ expires: ["2030-01-01", "2031-01-01"] }, "--expires is given 2 times"],
  ])("refuses %j", (flags, flag) => {
    expect(usageErrorOf(() => objectFieldsFrom(flags)).message).toContain(flag);
  });
});

describe("S3 → S3 copies", () => {
  it("pick the directive as aws does: given, else REPLACE with --metadata, else COPY", () => {
    expect(copyDirectiveOf({})).toBe("COPY");
    expect(copyDirectiveOf({ contentType: "text/plain" })).toBe("COPY");
    expect(copyDirectiveOf({ metadata: { a: "1" } })).toBe("REPLACE");
    expect(copyDirectiveOf({ metadata: { a: "1" }, metadataDirective: "COPY" })).toBe("COPY");
    expect(copyDirectiveOf({ metadataDirective: "REPLACE" })).toBe("REPLACE");
  });

  it("warn only when field flags are given and COPY ignores them", () => {
    expect(ignoredCopyFieldsWarning({})).toBeUndefined();
    expect(ignoredCopyFieldsWarning({ metadataDirective: "COPY" })).toBeUndefined();
    expect(ignoredCopyFieldsWarning({ metadata: { a: "1" } })).toBeUndefined();
    expect(ignoredCopyFieldsWarning({ contentType: "text/plain" })).toContain(
      "--metadata-directive REPLACE",
    );
    expect(ignoredCopyFieldsWarning({ metadata: { a: "1" }, metadataDirective: "COPY" })).toContain(
      "ignored",
    );
  });
});
