import { describe, expect, it } from "vitest";
import { hasCode } from "../errors.js";
import { formatS3Uri, isFolderKey, looksLikeS3Uri, parseS3Uri, uploadKeyFor } from "./s3-uri.js";

describe("parseS3Uri", () => {
  it.each([
    ["s3://bucket", { bucket: "bucket", key: "" }],
    ["s3://bucket/", { bucket: "bucket", key: "" }],
    ["s3://bucket/prefix/", { bucket: "bucket", key: "prefix/" }],
    ["s3://bucket/a/b/key.zip", { bucket: "bucket", key: "a/b/key.zip" }],
    ["s3://my.bucket-1/k", { bucket: "my.bucket-1", key: "k" }],
  ])("parses %s", (text, expected) => {
    expect(parseS3Uri(text)).toEqual(expected);
  });

  it.each([
    ["s3:/x", "Invalid S3 URI"],
    ["s3:x", "Invalid S3 URI"],
    ["S3://bucket/k", "Invalid S3 URI"],
    ["s3://", "no bucket"],
    ["s3:///key", "no bucket"],
    ["s3://ab/k", "Invalid bucket name"],
    ["s3://Bad_Bucket!/k", "Invalid bucket name"],
    ["s3://-bucket/k", "Invalid bucket name"],
    ["s3://a..b/k", "Invalid bucket name"],
    ["s3://192.168.1.1/k", "Invalid bucket name"],
    ["s3://bucket/a\u0000b", "NUL"],
  ])("rejects %j with INVALID_ARGUMENT and a hint", (text, message) => {
    let caught: unknown;
    try {
      parseS3Uri(text);
    } catch (error) {
      caught = error;
    }
    expect(hasCode(caught, "INVALID_ARGUMENT")).toBe(true);
    expect((caught as Error).message).toContain(message);
  });

  it("tells S3 URIs from local paths", () => {
    expect(looksLikeS3Uri("s3://b/k")).toBe(true);
    expect(looksLikeS3Uri("S3:/b")).toBe(true);
    expect(looksLikeS3Uri("./s3/file")).toBe(false);
    expect(looksLikeS3Uri("file.zip")).toBe(false);
  });

  it("formats URIs back", () => {
    expect(formatS3Uri("b")).toBe("s3://b");
    expect(formatS3Uri("b", "k/x")).toBe("s3://b/k/x");
  });
});

describe("uploadKeyFor follows aws s3 cp", () => {
  it.each([
    ["s3://bkt", "f.zip", "f.zip"],
    ["s3://bkt/", "f.zip", "f.zip"],
    ["s3://bkt/a/b/", "f.zip", "a/b/f.zip"],
    ["s3://bkt/plugins/", "f.zip", "plugins/f.zip"],
    ["s3://bkt/rel/v1/renamed.zip", "f.zip", "rel/v1/renamed.zip"],
    ["s3://bkt/dir", "f.zip", "dir"],
  ])("cp %s with %s writes %s", (uri, name, key) => {
    expect(uploadKeyFor(parseS3Uri(uri), name)).toBe(key);
  });

  it("knows folder keys", () => {
    expect(isFolderKey("")).toBe(true);
    expect(isFolderKey("a/")).toBe(true);
    expect(isFolderKey("a")).toBe(false);
  });
});
