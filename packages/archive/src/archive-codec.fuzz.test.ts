import { gzipSync } from "node:zlib";
import { createRng } from "@dg/testkit";
import { createNativeXdeltaCodec } from "@dg/xdelta";
import { describe, expect, it } from "vitest";
import { firstRelease, nextRelease } from "../test/corpus.js";
import { decodeWith, encodeWith, same } from "../test/helpers.js";
import { writeTar } from "../test/tar-writer.js";
import { writeZip } from "../test/zip-writer.js";
import { createArchiveCodec } from "./archive-codec.js";

const codec = createArchiveCodec({ inner: createNativeXdeltaCodec() });
const v1 = firstRelease(31, { files: 15, meanSize: 2000 });
const v2 = nextRelease(v1, 32, 0.3);

function damage(bytes: Uint8Array, seed: number): Uint8Array {
  const rng = createRng(seed);
  const out = bytes.slice();
  for (let i = rng.int(1, 4); i > 0; i--) {
    const at = rng.int(0, out.length - 1);
    out[at] = rng.int(0, 255);
  }
  return rng.next() < 0.3 ? out.subarray(0, rng.int(1, out.length)) : out;
}

describe("damaged archives (not deltas) still round-trip exactly", () => {
  const pairs: Record<string, [Uint8Array, Uint8Array]> = {
    zip: [writeZip(v1), writeZip(v2)],
    tgz: [gzipSync(writeTar(v1), { level: 9 }), gzipSync(writeTar(v2), { level: 9 })],
  };
  for (const [name, [ref, target]] of Object.entries(pairs)) {
    it(name, async () => {
      for (let seed = 0; seed < 12; seed++) {
        const damagedRef = seed % 3 === 0 ? damage(ref, seed + 100) : ref;
        const damagedTarget = damage(target, seed);
        const { delta } = await encodeWith(codec, damagedRef, damagedTarget);
        const rebuilt = await decodeWith(codec, damagedRef, delta);
        expect(same(rebuilt, damagedTarget), `seed ${seed}`).toBe(true);
      }
    });
  }
});
