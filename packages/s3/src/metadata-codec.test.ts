import { describe, expect, it } from "vitest";
import { decodeMetadata, encodeMetadata } from "./metadata-codec.js";

describe("metadata codec", () => {
  it("lower-cases keys and keeps printable ASCII values as they are", () => {
    expect(encodeMetadata({ "Dg-Tool": "deltaglider-ts/1.0 (x)" })).toEqual({
      "dg-tool": "deltaglider-ts/1.0 (x)",
    });
  });

  it("sends other values as RFC 2047 encoded words and decodes them back", () => {
    const original = { name: "日本語 ü.zip", tab: "a\tb", tricky: "=?UTF-8?B?AAAA?=" };
    const encoded = encodeMetadata(original);
    for (const value of Object.values(encoded))
      expect(value).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=$/);
    expect(decodeMetadata(encoded)).toEqual(original);
  });

  it("decodes Q-encoded words written by other tools", () => {
    expect(decodeMetadata({ Name: "=?utf-8?Q?caf=C3=A9_bar?=" })).toEqual({ name: "café bar" });
  });
});
