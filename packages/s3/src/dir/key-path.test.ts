import { createRng } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { keyToPath, MAX_PIECE, parseName, parseNameUnder } from "./key-path.js";

function decode(components: readonly string[]): string {
  const parts = components.map((name) => {
    const parsed = parseName(name);
    if (!parsed) throw new Error(`not ours: ${name}`);
    return parsed.bytes;
  });
  return Buffer.concat(parts).toString("utf8");
}

describe("keyToPath", () => {
  it("encodes segments with a kind suffix so a key and a folder never collide", () => {
    expect(keyToPath("a")).toEqual(["a~o"]);
    expect(keyToPath("a/b")).toEqual(["a~d", "b~o"]);
    expect(keyToPath("a/")).toEqual(["a~d", "~o"]);
    expect(keyToPath("Docs/a b.txt")).toEqual(["%44ocs~d", "a%20b.txt~o"]);
  });

  it("turns dangerous segments into harmless names", () => {
    for (const key of ["..", "../../x", "/etc/passwd", "a/../../b", "a\\..\\b", "x\u0000y", "."]) {
      for (const name of keyToPath(key)) {
        expect(name).not.toBe("..");
        expect(name).not.toBe(".");
        expect(name).not.toBe("");
        expect(name).toMatch(/^[a-z0-9._%A-F-]*~[odc]$/);
        for (const bad of ["/", "\\", "\u0000"]) expect(name).not.toContain(bad);
      }
    }
  });

  it("cuts long segments into pieces that fit in a file name", () => {
    const key = `${"é".repeat(300)}/${"x".repeat(1000)}`.slice(0, 700);
    const components = keyToPath(key);
    expect(components.length).toBeGreaterThan(3);
    for (const name of components)
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_PIECE + 2);
    expect(decode(components)).toBe(key);
  });

  it("decodes back to the same key for random keys", () => {
    const rng = createRng(11);
    const alphabet = [
      "a",
      "Z",
      "/",
      " ",
      "%",
      "~",
      ".",
      "..",
      "é",
      "日",
      "😀",
      "\\",
      "\u0000",
      "+",
    ];
    for (let i = 0; i < 500; i++) {
      let key = "";
      const n = rng.int(1, 40);
      for (let j = 0; j < n; j++) key += rng.pick(alphabet);
      expect(decode(keyToPath(key))).toBe(key);
    }
  });

  it("refuses keys S3 refuses", () => {
    expect(() => keyToPath("")).toThrow(/empty/);
    expect(() => keyToPath("x".repeat(1025))).toThrow(/1024/);
    expect(() => keyToPath("bad\ud800")).toThrow(/Unicode/);
  });

  it("ignores names it did not write", () => {
    expect(parseName(".dg-tmp-abc")).toBeUndefined();
    expect(parseName("A~o")).toBeUndefined();
    expect(parseName("%4a~o")).toBeUndefined();
    expect(parseName("%4A~o")?.bytes.toString()).toBe("J");
  });

  it("parses a name under a folder's key bytes as parseName does, the folder's bytes first", () => {
    const base = Buffer.from("rel/é/", "utf8");
    const names = [
      "app-1.0.zip.delta~o",
      "sub~d",
      "piece~c",
      "%44ocs~d",
      "a%20b.txt~o",
      "~o",
      ".dg-tmp-abc",
      "A~o",
      "%4a~o",
      "x~z",
    ];
    for (const name of names) {
      const under = parseNameUnder(name, base);
      const alone = parseName(name);
      if (alone === undefined) {
        expect(under, name).toBeUndefined();
        continue;
      }
      expect(under?.kind, name).toBe(alone.kind);
      expect(under?.bytes.equals(Buffer.concat([base, alone.bytes])), name).toBe(true);
    }
    // The folder's bytes are copied, not shared.
    const parsed = parseNameUnder("b~o", base);
    base[0] = 0x78;
    expect(parsed?.bytes.toString("utf8")).toBe("rel/é/b");
  });
});
