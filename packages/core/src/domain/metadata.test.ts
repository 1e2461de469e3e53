import { describe, expect, it } from "vitest";
import { hasCode } from "../errors.js";
import {
  classifyStoredObject,
  deltaMetadata,
  DIRECT_REASONS,
  directMetadata,
  directReasonOf,
  formatTimestamp,
  METADATA_ALIASES,
  parseDeltaMetadata,
  parseDirectMetadata,
  parseTimestamp,
  readField,
  referenceMetadata,
  userMetadataOf,
  userMetadataToStore,
} from "./metadata.js";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("legacy aliases (reference-tool.md §2.6)", () => {
  // Fields of ours alone have one spelling.
  const fields = Object.entries(METADATA_ALIASES).filter(
    // Our own single-spelling fields: no legacy alias to prefer.
    ([f]) => f !== "deltaFormat" && f !== "sketch" && f !== "directReason",
  );
  for (const [field, aliases] of fields) {
    for (const alias of aliases) {
      it(`reads ${field} from ${alias}`, () => {
        expect(readField({ [alias]: "v" }, field as keyof typeof METADATA_ALIASES)).toBe("v");
      });
    }
    it(`prefers the first non-empty alias of ${field}`, () => {
      const [first, second] = aliases;
      expect(
        readField(
          { [second as string]: "old", [first]: "new" },
          field as keyof typeof METADATA_ALIASES,
        ),
      ).toBe("new");
      expect(
        readField(
          { [first]: "", [second as string]: "old" },
          field as keyof typeof METADATA_ALIASES,
        ),
      ).toBe("old");
    });
  }

  it("parses a ≤5.x delta written with bare underscored keys", () => {
    const meta = parseDeltaMetadata("s3://b/x.zip.delta", {
      tool: "deltaglider/0.2.0",
      original_name: "x.zip",
      file_sha256: SHA_A,
      file_size: "1234",
      created_at: "2025-01-02T03:04:05.123456Z",
      ref_key: "reference.bin",
      ref_sha256: SHA_B,
      delta_size: "99",
      delta_cmd: "xdelta3 …",
    });
    expect(meta).toMatchObject({
      originalName: "x.zip",
      fileSize: 1234,
      refKey: "reference.bin",
      refSha256: SHA_B,
      deltaSize: 99,
    });
    expect(meta.createdAt.toISOString()).toBe("2025-01-02T03:04:05.123Z");
  });

  it("parses a 6.0 direct upload with bare keys", () => {
    expect(
      parseDirectMetadata("s3://b/a.txt", {
        compression: "none",
        file_sha256: SHA_A,
        file_size: "3",
        created_at: "2025-01-02T03:04:05",
      }),
    ).toMatchObject({ fileSha256: SHA_A, fileSize: 3 });
  });
});

describe("garbled metadata gives a typed error naming the object and the key", () => {
  const good = deltaMetadata({
    tool: "deltaglider-ts/0.1.0",
    originalName: "x.zip",
    sha256: SHA_A,
    size: 10,
    createdAt: new Date(0),
    refKey: "reference.bin",
    refSha256: SHA_B,
    deltaSize: 5,
  });
  it.each([
    ["dg-file-size", "ten"],
    ["dg-file-sha256", "xyz"],
    ["dg-ref-sha256", "short"],
    ["dg-created-at", "yesterday"],
    ["dg-delta-size", "-1"],
  ])("%s = %j", (key, value) => {
    const error = catchError(() =>
      parseDeltaMetadata("s3://b/x.zip.delta", { ...good, [key]: value }),
    );
    expect(hasCode(error, "INTEGRITY")).toBe(true);
    expect((error as Error).message).toContain("s3://b/x.zip.delta");
    expect((error as Error).message).toContain(key);
  });
  it("a missing ref key", () => {
    const { "dg-ref-key": _, ...rest } = good;
    const error = catchError(() => parseDeltaMetadata("s3://b/x.zip.delta", rest));
    expect(hasCode(error, "INTEGRITY")).toBe(true);
    expect((error as Error).message).toContain("dg-ref-key");
  });
});

describe("writing the dg-* schema", () => {
  const at = new Date("2026-11-25T16:25:14.657Z");
  it("reference", () => {
    expect(
      referenceMetadata({
        tool: "deltaglider-ts/0.1.0",
        sourceName: "a.zip",
        sha256: SHA_A,
        createdAt: at,
      }),
    ).toEqual({
      "dg-tool": "deltaglider-ts/0.1.0",
      "dg-source-name": "a.zip",
      "dg-file-sha256": SHA_A,
      "dg-created-at": "2026-11-25T16:25:14.657000Z",
      "dg-note": "reference",
    });
  });
  it("delta, with the zero-diff note", () => {
    const meta = deltaMetadata({
      tool: "t",
      originalName: "a.zip",
      sha256: SHA_A,
      size: 10,
      createdAt: at,
      refKey: "d/reference.bin",
      refSha256: SHA_B,
      deltaSize: 3,
      note: "zero-diff (reference identical)",
    });
    expect(Object.keys(meta).sort()).toEqual(
      [
        "dg-created-at",
        "dg-delta-cmd",
        "dg-delta-size",
        "dg-file-sha256",
        "dg-file-size",
        "dg-note",
        "dg-original-name",
        "dg-ref-key",
        "dg-ref-sha256",
        "dg-tool",
      ].sort(),
    );
    expect(meta["dg-delta-cmd"]).toBe("xdelta3 -e -9 -s reference.bin a.zip a.zip.delta");
  });
  it("direct, with a naive timestamp", () => {
    const meta = directMetadata({
      tool: "t",
      originalName: "a.txt",
      sha256: SHA_A,
      size: 3,
      createdAt: at,
    });
    expect(meta["dg-compression"]).toBe("none");
    expect(meta["dg-created-at"]).toBe("2026-11-25T16:25:14.657000");
    // Without a reason, exactly the Python tool's keys.
    expect(Object.keys(meta).sort()).toEqual(
      [
        "dg-compression",
        "dg-created-at",
        "dg-file-sha256",
        "dg-file-size",
        "dg-original-name",
        "dg-tool",
      ].sort(),
    );
  });
  it("direct, with why it went in whole, read back by directReasonOf", () => {
    for (const reason of DIRECT_REASONS) {
      const meta = directMetadata({
        tool: "t",
        originalName: "a.zip",
        sha256: SHA_A,
        size: 3,
        createdAt: at,
        reason,
      });
      expect(meta["dg-direct-reason"]).toBe(reason);
      expect(directReasonOf(meta)).toBe(reason);
      // The Python tool's reading of it is unchanged: a direct object.
      expect(classifyStoredObject("a.zip", meta)).toBe("direct");
    }
    expect(directReasonOf({ "dg-direct-reason": "because" })).toBeUndefined();
    expect(directReasonOf({})).toBeUndefined();
  });
  it("timestamps round-trip and omit zero microseconds as Python does", () => {
    expect(formatTimestamp(new Date("2026-11-25T16:25:14Z"), true)).toBe("2026-11-25T16:25:14Z");
    expect(parseTimestamp("2026-11-25T16:25:14.657329Z").toISOString()).toBe(
      "2026-11-25T16:25:14.657Z",
    );
    expect(parseTimestamp("2026-11-25T16:25:14").toISOString()).toBe("2026-11-25T16:25:14.000Z");
  });
});

describe("classification", () => {
  it.each([
    ["reference.bin", { "dg-file-sha256": SHA_A, "dg-note": "reference" }, "reference"],
    ["x.zip.delta", { "dg-file-sha256": SHA_A, "dg-ref-key": "reference.bin" }, "delta"],
    ["x.zip.delta", { file_sha256: SHA_A, ref_key: "reference.bin" }, "delta"],
    ["a.txt", { "dg-file-sha256": SHA_A, "dg-compression": "none" }, "direct"],
    ["a.txt", { file_sha256: SHA_A, compression: "none" }, "direct"],
    ["a.txt", {}, "foreign"],
    ["x.zip.delta", {}, "foreign"],
  ] as const)("%s %j is %s", (key, metadata, kind) => {
    expect(classifyStoredObject(key, metadata)).toBe(kind);
  });
});

describe("user metadata beside dg-* keys", () => {
  it("lower-cases keys and keeps values", () => {
    expect(userMetadataToStore({ Owner: "Ada", build: "42" })).toEqual({
      owner: "Ada",
      build: "42",
    });
  });
  it.each(["dg-anything", "DG_tool", "file_sha256", "compression", "note", "ref-key"])(
    "refuses %s",
    (key) => {
      expect(
        hasCode(
          catchError(() => userMetadataToStore({ [key]: "x" })),
          "INVALID_ARGUMENT",
        ),
      ).toBe(true);
    },
  );
  it("separates the user's keys from deltaglider's on read", () => {
    expect(userMetadataOf({ owner: "Ada", "dg-file-sha256": SHA_A, "dg-tool": "t" })).toEqual({
      owner: "Ada",
    });
  });
});
