import { describe, expect, it } from "vitest";
import { collectBytes, concat, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { createBufferSource } from "../memory/buffer-source.js";
import { createMemoryScratchSpace } from "../memory/memory-scratch-space.js";
import { createPrefixCodec } from "../memory/prefix-codec.js";
import type { ReplayableBody } from "../ports/common.js";
import type { DeltaCodec } from "../ports/delta-codec.js";
import type { ScratchSpace } from "../ports/scratch.js";
import { isReplayableTarget, sourceStream } from "../util/delta-target.js";
import { spool } from "./streams.js";

const v1 = seededBytes(21, 60_000);
const v2 = concat(v1, seededBytes(22, 1_500));

/** A file-like body that counts the bytes read from it, streamed and by position. */
function instrumentedBody(bytes: Uint8Array) {
  const reads = { streamed: 0, positional: 0 };
  const body: ReplayableBody = {
    size: bytes.length,
    async *open() {
      for (let at = 0; at < bytes.length; at += 4096) {
        const chunk = bytes.slice(at, at + 4096);
        reads.streamed += chunk.length;
        yield chunk;
      }
    },
    async openRandomAccess() {
      const inner = createBufferSource(bytes);
      return {
        size: inner.size,
        async read(position: number, length: number) {
          const got = await inner.read(position, length);
          reads.positional += got.length;
          return got;
        },
        close: () => inner.close(),
      };
    },
  };
  return { body, reads, passes: () => (reads.streamed + reads.positional) / bytes.length };
}

/** The prefix codec, reading its target by position when it may (as the archive codec does). */
function positionalCodec(): DeltaCodec {
  const prefix = createPrefixCodec();
  return {
    name: "positional",
    async *encode(source, target, options) {
      if (!isReplayableTarget(target)) {
        yield* prefix.encode(source, target, options);
        return;
      }
      const file = await target.openRandomAccess(options);
      try {
        const bytes = await collectBytes(sourceStream(file));
        yield* prefix.encode(
          source,
          (async function* () {
            yield bytes;
          })(),
          options,
        );
      } finally {
        await file.close();
      }
    },
    decode: (source, delta, options) => prefix.decode(source, delta, options),
  };
}

/** Scratch space that counts the blobs created in it. */
function countingScratch(): ScratchSpace & { created: number } {
  const inner = createMemoryScratchSpace();
  const counted = {
    created: 0,
    async create() {
      counted.created += 1;
      return inner.create();
    },
  };
  return counted;
}

describe("reads of the file on the upload path", () => {
  it("a new reference reads its file twice: to hash it, and once for the upload and the cache", async () => {
    const { service } = makeService();
    const { body, passes } = instrumentedBody(v1);
    const result = await service.put("bkt", "rel/app-1.zip", body);
    expect(result.storageType).toBe("reference");
    expect(passes()).toBe(2);
  });

  it("with a codec that reads by position: a new reference still reads its file twice", async () => {
    const { service } = makeService({ codec: positionalCodec() });
    const { body, reads, passes } = instrumentedBody(v1);
    await service.put("bkt", "rel/app-1.zip", body);
    // The zero-diff delta is encoded from the cached copy, not from the file.
    expect(reads.positional).toBe(0);
    expect(passes()).toBe(2);
  });

  it("a delta reads the file twice; a codec that reads by position gets it in place", async () => {
    const { service } = makeService({ codec: positionalCodec() });
    await service.put("bkt", "rel/app-1.zip", instrumentedBody(v1).body);
    const { body, reads } = instrumentedBody(v2);
    const result = await service.put("bkt", "rel/app-2.zip", body);
    expect(result.storageType).toBe("delta");
    expect(reads).toEqual({ streamed: v2.length, positional: v2.length });
    expect(await collectBytes((await service.get("bkt", "rel/app-2.zip")).body)).toEqual(v2);
  });

  it("a delta from a stream-only codec reads the file twice, both streamed", async () => {
    const { service } = makeService();
    await service.put("bkt", "rel/app-1.zip", instrumentedBody(v1).body);
    const { body, reads } = instrumentedBody(v2);
    await service.put("bkt", "rel/app-2.zip", body);
    expect(reads).toEqual({ streamed: 2 * v2.length, positional: 0 });
  });

  it("a codec that writes its delta to scratch itself is not spooled again", async () => {
    const prefix = createPrefixCodec();
    let handedOver = 0;
    const codec: DeltaCodec = {
      ...prefix,
      async encodeToScratch(source, target, scratch, options) {
        handedOver += 1;
        return spool(scratch, prefix.encode(source, target, options));
      },
    };
    const scratch = countingScratch();
    const { service } = makeService({ codec, scratch });
    await service.put("bkt", "rel/app-1.zip", instrumentedBody(v1).body);
    await service.put("bkt", "rel/app-2.zip", instrumentedBody(v2).body);
    expect(handedOver).toBe(2);
    expect(scratch.created).toBe(2);
    expect(await collectBytes((await service.get("bkt", "rel/app-2.zip")).body)).toEqual(v2);
  });

  it("a stream-only codec's delta is spooled once", async () => {
    const scratch = countingScratch();
    const { service } = makeService({ scratch });
    await service.put("bkt", "rel/app-1.zip", instrumentedBody(v1).body);
    await service.put("bkt", "rel/app-2.zip", instrumentedBody(v2).body);
    expect(scratch.created).toBe(2);
  });
});
