import { createNativeXdeltaCodec } from "@dg/xdelta";
import { describe, expect, it } from "vitest";
import { decodeWith } from "../test/helpers.js";
import { createArchiveCodec } from "./archive-codec.js";
import { ARCHIVE_DELTA_MAGIC } from "./delta-header.js";

const codec = createArchiveCodec({ inner: createNativeXdeltaCodec() });

describe("a damaged archive delta", () => {
  it.each([
    ["a header cut short", Uint8Array.of(...ARCHIVE_DELTA_MAGIC, 1, 0)],
    ["a header of garbage", Uint8Array.of(...ARCHIVE_DELTA_MAGIC, 1, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9)],
  ])("%s fails with an IntegrityError that says what to do", async (_name, delta) => {
    const error = await decodeWith(codec, new Uint8Array(100), delta).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INTEGRITY", hint: expect.stringContaining("damaged") });
  });
});
