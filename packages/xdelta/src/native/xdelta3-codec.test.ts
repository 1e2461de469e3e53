import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { RandomAccessSource } from "@dg/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  collect,
  concatBytes,
  randomBytes,
  randomText,
  streamOf,
} from "../encode/test-fixtures.js";
import { openFileSource } from "@dg/node";
import { createNativeXdeltaCodec } from "./xdelta3-codec.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dg-native-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileSource(name: string, bytes: Uint8Array): Promise<RandomAccessSource> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return openFileSource(path);
}

/** The same bytes without a `path`, so the codec must spool them. */
function pathless(source: RandomAccessSource): RandomAccessSource {
  return { size: source.size, read: (p, l) => source.read(p, l), close: () => source.close() };
}

describe("createNativeXdeltaCodec", () => {
  const codec = createNativeXdeltaCodec();

  it("round-trips an edited file", async () => {
    const base = randomBytes(1, 300_000);
    const target = concatBytes(
      base.subarray(0, 100_000),
      randomBytes(2, 500),
      base.subarray(120_000),
    );
    const source = await fileSource("edit.src", base);
    try {
      const delta = await collect(codec.encode(source, streamOf(target)));
      expect(delta.length).toBeLessThan(2_000);
      const back = await collect(codec.decode(source, streamOf(delta)));
      expect(Buffer.compare(back, target)).toBe(0);
    } finally {
      await source.close();
    }
  });

  it("spools a source that has no path", async () => {
    const base = randomText(3, 200_000);
    const target = concatBytes(base.subarray(50_000), base.subarray(0, 50_000));
    const source = pathless(await fileSource("spool.src", base));
    try {
      const delta = await collect(codec.encode(source, streamOf(target)));
      const back = await collect(codec.decode(source, streamOf(delta)));
      expect(Buffer.compare(back, target)).toBe(0);
    } finally {
      await source.close();
    }
  });

  it("keeps a gzip target byte-exact (-D -R)", async () => {
    const text = randomText(4, 100_000);
    const base = gzipSync(text, { level: 9 });
    const target = gzipSync(concatBytes(text, randomText(5, 1000)), { level: 1 });
    const source = await fileSource("gz.src", base);
    try {
      const delta = await collect(codec.encode(source, streamOf(target)));
      const back = await collect(codec.decode(source, streamOf(delta)));
      expect(Buffer.compare(back, target)).toBe(0);
    } finally {
      await source.close();
    }
  });

  it("reports a damaged delta as an IntegrityError", async () => {
    const base = randomBytes(6, 10_000);
    const source = await fileSource("bad.src", base);
    try {
      await expect(
        collect(codec.decode(source, streamOf(randomBytes(7, 100)))),
      ).rejects.toMatchObject({ code: "INTEGRITY" });
    } finally {
      await source.close();
    }
  });

  it("reports a missing binary as UnavailableError with a hint", async () => {
    const missing = createNativeXdeltaCodec({ binary: "dg-no-such-xdelta3-binary" });
    const source = await fileSource("missing.src", randomBytes(8, 100));
    try {
      const error = await collect(missing.encode(source, streamOf(randomBytes(9, 100)))).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "UNAVAILABLE" });
      expect((error as { hint?: string }).hint).toContain("DG_DELTA_ENGINE=builtin");
    } finally {
      await source.close();
    }
  });

  it("stops with CancelledError when aborted", async () => {
    const source = await fileSource("abort.src", randomBytes(10, 1000));
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<Uint8Array> {
      const block = randomBytes(11, 65_536);
      for (let i = 0; i < 10_000; i++) {
        if (i === 3) controller.abort();
        yield block;
      }
    }
    try {
      await expect(
        collect(codec.encode(source, endless(), { signal: controller.signal })),
      ).rejects.toMatchObject({ code: "CANCELLED" });
    } finally {
      await source.close();
    }
  });
});
