import { describe, expect, it } from "vitest";
import { needsTransfer } from "./sync.js";

const at = (seconds: number) => new Date(seconds * 1000);

describe("needsTransfer", () => {
  it("transfers what the destination lacks or has with another size", () => {
    expect(needsTransfer({ size: 1, mtime: at(5) }, undefined, false)).toBe(true);
    expect(needsTransfer({ size: 1, mtime: at(5) }, { size: 2, mtime: at(9) }, false)).toBe(true);
    expect(needsTransfer({ size: 1, mtime: at(5) }, { size: 2, mtime: at(9) }, true)).toBe(true);
  });
  it("transfers when the source is newer, never when the destination is", () => {
    expect(needsTransfer({ size: 1, mtime: at(9) }, { size: 1, mtime: at(5) }, false)).toBe(true);
    expect(needsTransfer({ size: 1, mtime: at(5) }, { size: 1, mtime: at(9) }, false)).toBe(false);
    expect(needsTransfer({ size: 1, mtime: at(9) }, { size: 1, mtime: at(5) }, true)).toBe(false);
  });
  it("compares at whole seconds, as S3 stores them", () => {
    const source = { size: 1, mtime: new Date(5_900) };
    expect(needsTransfer(source, { size: 1, mtime: new Date(5_000) }, false)).toBe(false);
  });
});
