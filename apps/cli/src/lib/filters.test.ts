import { describe, expect, it } from "vitest";
import { createPathFilter, filterRulesFromArgs, globToRegExp } from "./filters.js";

describe("globToRegExp", () => {
  it("lets * match across slashes, as aws s3 does", () => {
    expect(globToRegExp("*.zip").test("a/b/c.zip")).toBe(true);
    expect(globToRegExp("dir/*").test("dir/sub/x")).toBe(true);
    expect(globToRegExp("*.zip").test("a.zipx")).toBe(false);
  });
  it("matches ? against exactly one character", () => {
    expect(globToRegExp("v?.zip").test("v1.zip")).toBe(true);
    expect(globToRegExp("v?.zip").test("v10.zip")).toBe(false);
    expect(globToRegExp("v?.zip").test("v.zip")).toBe(false);
  });
  it("supports sets, ranges and negated sets", () => {
    expect(globToRegExp("v[12].zip").test("v2.zip")).toBe(true);
    expect(globToRegExp("v[12].zip").test("v3.zip")).toBe(false);
    expect(globToRegExp("v[0-9].zip").test("v7.zip")).toBe(true);
    expect(globToRegExp("v[!0-9].zip").test("v7.zip")).toBe(false);
    expect(globToRegExp("v[!0-9].zip").test("vx.zip")).toBe(true);
    expect(globToRegExp("[]]").test("]")).toBe(true);
  });
  it("treats regex characters and an unclosed [ literally", () => {
    expect(globToRegExp("a+b(1).zip").test("a+b(1).zip")).toBe(true);
    expect(globToRegExp("a.zip").test("abzip")).toBe(false);
    expect(globToRegExp("[abc").test("[abc")).toBe(true);
    expect(globToRegExp("^$|\\").test("^$|\\")).toBe(true);
  });
});

describe("createPathFilter", () => {
  it("includes everything without rules", () => {
    expect(createPathFilter([]).includes("anything/at/all")).toBe(true);
  });
  it("lets the last matching rule decide", () => {
    const filter = createPathFilter([
      { type: "exclude", pattern: "*" },
      { type: "include", pattern: "*.zip" },
    ]);
    expect(filter.includes("a.zip")).toBe(true);
    expect(filter.includes("b.txt")).toBe(false);
    const reversed = createPathFilter([
      { type: "include", pattern: "*.zip" },
      { type: "exclude", pattern: "*" },
    ]);
    expect(reversed.includes("a.zip")).toBe(false);
  });
  it("excludes a folder by its relative path", () => {
    const filter = createPathFilter([{ type: "exclude", pattern: "tmp/*" }]);
    expect(filter.includes("tmp/x.zip")).toBe(false);
    expect(filter.includes("keep/tmp/x.zip")).toBe(true);
  });
});

describe("filterRulesFromArgs", () => {
  it("keeps the command-line order of mixed flags, in both spellings", () => {
    expect(
      filterRulesFromArgs([
        "cp",
        "src",
        "s3://b/",
        "--exclude",
        "*",
        "--include=*.zip",
        "-r",
        "--exclude=v1*",
      ]),
    ).toEqual([
      { type: "exclude", pattern: "*" },
      { type: "include", pattern: "*.zip" },
      { type: "exclude", pattern: "v1*" },
    ]);
  });
  it("stops at --", () => {
    expect(filterRulesFromArgs(["--", "--exclude", "x"])).toEqual([]);
  });
});
