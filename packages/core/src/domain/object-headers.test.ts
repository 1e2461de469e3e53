import { describe, expect, it } from "vitest";
import { hasCode } from "../errors.js";
import { compactHeaders, headersEntry, optionalEntry, validateHeaders } from "./object-headers.js";

describe("object headers", () => {
  it("keeps only the headers that are set, copying the date", () => {
    const expires = new Date("2030-01-02T03:04:05Z");
    const compact = compactHeaders({
      cacheControl: "no-cache",
      expires,
      contentLanguage: undefined,
    } as never);
    expect(compact).toEqual({ cacheControl: "no-cache", expires });
    expect(compact?.expires).not.toBe(expires);
    expect(compactHeaders({})).toBeUndefined();
    expect(compactHeaders(undefined)).toBeUndefined();
    expect(headersEntry({})).toEqual({});
    expect(headersEntry({ contentLanguage: "de" })).toEqual({ headers: { contentLanguage: "de" } });
    expect(optionalEntry("x", undefined)).toEqual({});
    expect(optionalEntry("x", 0)).toEqual({ x: 0 });
  });

  it("refuses an invalid Expires and header values with line breaks", () => {
    expect(() => validateHeaders({ expires: new Date(Number.NaN) })).toThrow(/Expires/);
    expect(() => validateHeaders({ cacheControl: "a\r\nX-Injected: 1" })).toThrow(/cacheControl/);
    let error: unknown;
    try {
      validateHeaders({ contentDisposition: "x\n" });
    } catch (e) {
      error = e;
    }
    expect(hasCode(error, "INVALID_ARGUMENT")).toBe(true);
    expect(() =>
      validateHeaders({ contentDisposition: 'attachment; filename="a b.zip"' }),
    ).not.toThrow();
  });
});
