import type { ByteStream, DeltaCodec, RandomAccessSource } from "@dg/core";
import { collectBytes, isDgError } from "@dg/core";
import { createBufferSource } from "@dg/core/memory";
import { describe, expect, it } from "vitest";
import { createRng, seededBytes } from "./seeded.js";

/** Options of {@link deltaCodecContract}. */
export interface DeltaCodecContractOptions {
  /** Size of the base data the round trips mutate. Default 300 KB. */
  readonly baseSize?: number;
  /**
   * Whether damaged deltas must be detected. Codecs with checksums (VCDIFF with Adler-32)
   * must give a typed error or the right bytes for every damaged delta; others are only
   * checked on garbage that is not a delta at all.
   */
  readonly detectsDamage?: boolean;
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function* chunked(bytes: Uint8Array, size: number): ByteStream {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

/** A source that records every read, so tests can check reads stay within bounds. */
function watchedSource(bytes: Uint8Array): RandomAccessSource & { readonly outOfRange: number } {
  const inner = createBufferSource(bytes);
  let outOfRange = 0;
  return {
    size: inner.size,
    get outOfRange() {
      return outOfRange;
    },
    read(position, length) {
      if (position < 0 || length < 0 || position > bytes.length) outOfRange += 1;
      return inner.read(position, length);
    },
    close: () => inner.close(),
  };
}

/**
 * The behaviour every `DeltaCodec` must have: exact round trips on every kind of change,
 * deterministic output, source reads within bounds, and typed errors for input that is not
 * a delta. Call it at the top level of a test file.
 *
 * @example
 * ```ts
 * import { createPrefixCodec } from "@dg/core/memory";
 * deltaCodecContract("prefix codec", () => createPrefixCodec());
 * ```
 */
export function deltaCodecContract(
  name: string,
  makeCodec: () => DeltaCodec,
  options: DeltaCodecContractOptions = {},
): void {
  const size = options.baseSize ?? 300_000;
  const base = seededBytes(1, size);
  const third = Math.floor(size / 3);
  const cases: Record<string, [Uint8Array, Uint8Array]> = {
    identical: [base, base],
    "empty source": [new Uint8Array(0), base],
    "empty target": [base, new Uint8Array(0)],
    "both empty": [new Uint8Array(0), new Uint8Array(0)],
    appended: [base, join(base, seededBytes(2, 5_000))],
    inserted: [base, join(base.subarray(0, third), seededBytes(3, 777), base.subarray(third))],
    deleted: [base, join(base.subarray(0, third), base.subarray(2 * third))],
    "reordered blocks": [
      base,
      join(base.subarray(2 * third), base.subarray(0, third), base.subarray(third, 2 * third)),
    ],
    unrelated: [base, seededBytes(4, size + 12_345)],
    "odd sizes": [base.subarray(0, 65_537), join(base.subarray(1, 65_537), seededBytes(5, 3))],
  };

  describe(`DeltaCodec contract: ${name}`, () => {
    for (const [label, [source, target]] of Object.entries(cases)) {
      it(`round-trips: ${label}`, async () => {
        const codec = makeCodec();
        const watched = watchedSource(source);
        const delta = await collectBytes(
          codec.encode(watched, chunked(target, 10_000), { targetSize: target.length }),
        );
        const rebuilt = await collectBytes(codec.decode(watched, chunked(delta, 999)));
        expect(rebuilt.length).toBe(target.length);
        expect(Buffer.from(rebuilt).equals(Buffer.from(target))).toBe(true);
        expect(watched.outOfRange).toBe(0);
      });
    }

    it("is deterministic", async () => {
      const [source, target] = cases.inserted as [Uint8Array, Uint8Array];
      const once = await collectBytes(
        makeCodec().encode(createBufferSource(source), chunked(target, 4096)),
      );
      const twice = await collectBytes(
        makeCodec().encode(createBufferSource(source), chunked(target, 50_000)),
      );
      expect(Buffer.from(once).equals(Buffer.from(twice))).toBe(true);
    });

    it("gives a much smaller delta for a small change", async () => {
      const [source, target] = cases.appended as [Uint8Array, Uint8Array];
      const delta = await collectBytes(
        makeCodec().encode(createBufferSource(source), chunked(target, 8192)),
      );
      expect(delta.length).toBeLessThan(target.length / 10);
    });

    it("rejects input that is not a delta with a typed error", async () => {
      const rng = createRng(9);
      for (let i = 0; i < 20; i++) {
        const garbage = seededBytes(100 + i, rng.int(0, 300));
        let error: unknown;
        try {
          await collectBytes(makeCodec().decode(createBufferSource(base), chunked(garbage, 64)));
        } catch (e) {
          error = e;
        }
        // An empty input may be a valid empty delta for some formats; anything else must fail.
        if (garbage.length > 0) expect(isDgError(error)).toBe(true);
      }
    });

    if (options.detectsDamage) {
      it("turns damaged deltas into a typed error or the right bytes, never wrong bytes", async () => {
        const [source, target] = cases.inserted as [Uint8Array, Uint8Array];
        const delta = await collectBytes(
          makeCodec().encode(createBufferSource(source), chunked(target, 65_536)),
        );
        const rng = createRng(17);
        for (let i = 0; i < 200; i++) {
          const damaged = delta.slice();
          const at = rng.int(0, damaged.length - 1);
          damaged[at] = (damaged[at] ?? 0) ^ (1 << rng.int(0, 7));
          const cut =
            rng.next() < 0.3 ? damaged.subarray(0, rng.int(0, damaged.length - 1)) : damaged;
          try {
            const out = await collectBytes(
              makeCodec().decode(createBufferSource(source), chunked(cut, 4096)),
            );
            expect(Buffer.from(out).equals(Buffer.from(target))).toBe(true);
          } catch (error) {
            expect(isDgError(error)).toBe(true);
          }
        }
      });
    }
  });
}
