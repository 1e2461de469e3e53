import { describe, expect, it } from "vitest";
import { seededBytes } from "../../test/seeded.js";
import { parseFactsDocument, parseFactsDocumentStream } from "./facts-index.js";

const utf8 = new TextEncoder();

/** The bytes of `text` cut at the given positions (anywhere, inside characters too). */
async function* cut(text: string, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  const bytes = utf8.encode(text);
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const size = Math.max(1, sizes[i % sizes.length] as number);
    yield bytes.subarray(at, at + size);
    at += size;
    i += 1;
  }
}

function entry(i: number, name: string) {
  return {
    key: `rel/${name}.delta`,
    etag: `"${i.toString(16).padStart(32, "0")}"`,
    storedSize: 100 + i,
    name,
    size: 1_000_000 + i,
    sha256: "ab".repeat(32),
    ...(i % 2 === 0 ? { refSha256: "cd".repeat(32) } : {}),
    kind: i % 5 === 0 ? "reference" : "delta",
    recordedAt: "2026-12-01T00:00:00.000Z",
  };
}

describe("parseFactsDocumentStream", () => {
  const names = ["a{b}[c]", 'quote"d', "back\\slash", "日本語-😀", "plain", "comma,colon:"];
  const doc = (extra: Record<string, unknown> = {}, entries: unknown[] = []) =>
    JSON.stringify({
      format: "deltaglider-facts/1",
      folder: "rel",
      writer: "w",
      entries,
      ...extra,
    });

  it("reads what parseFactsDocument reads, however the bytes are cut", async () => {
    const random = seededBytes(31, 400);
    const cases = [
      doc(
        {},
        names.map((n, i) => entry(i, n)),
      ),
      `${doc(
        {},
        names.map((n, i) => entry(i, n)),
      )}\n`,
      // Entries that are not entries are left out; the others kept.
      doc({}, [entry(1, "x"), { key: "k" }, entry(2, "y"), { ...entry(3, "z"), size: -1 }]),
      // Fields in another order, nested values in the header, an empty array.
      JSON.stringify({
        entries: [entry(4, "first")],
        writer: "w",
        folder: "rel",
        format: "deltaglider-facts/1",
        meta: { entries: [1] },
      }),
      doc({ entries: [] }),
      // Not ours: wrong format, no entries, broken JSON.
      JSON.stringify({ format: "other/1", folder: "rel", writer: "w", entries: [entry(1, "a")] }),
      JSON.stringify({ format: "deltaglider-facts/1", folder: "rel", writer: "w" }),
      `${doc({}, [entry(1, "a")]).slice(0, -5)}`,
      `{"format":"deltaglider-facts/1","folder":"rel","writer":"w","entries":[{"key":"a"}{"key":"b"}]}`,
      "not json at all",
      "",
    ];
    for (const [n, text] of cases.entries()) {
      const expected = parseFactsDocument(text);
      for (let round = 0; round < 12; round += 1) {
        const sizes = Array.from(random.subarray(round * 20, round * 20 + 20), (b) => (b % 23) + 1);
        if (round === 0) sizes.splice(0, sizes.length, 1 << 20);
        const got = await parseFactsDocumentStream(cut(text, sizes), 1 << 20);
        expect(got, `case ${n}, round ${round}`).toEqual(expected);
      }
    }
  });

  it("refuses a document larger than the limit", async () => {
    const text = doc({}, [entry(1, "a")]);
    expect(await parseFactsDocumentStream(cut(text, [10]), text.length - 1)).toBeUndefined();
    expect(await parseFactsDocumentStream(cut(text, [10]), text.length)).toBeDefined();
  });
});
