import { createDeflateRaw, deflateRawSync } from "node:zlib";
import type { ClassicDeflateOptions } from "./classic/classic-deflater.js";
import { createClassicDeflater } from "./classic/classic-deflater.js";
import type { DeflateParams } from "./deflate-params.js";
import { feedTransform } from "./zlib-pump.js";

function nodeOptions(p: DeflateParams, chunkSize?: number) {
  return {
    level: p.level,
    memLevel: p.memLevel,
    windowBits: p.windowBits,
    strategy: p.strategy,
    ...(chunkSize === undefined ? {} : { chunkSize }),
  };
}

/** The TypeScript deflater's options for `zlib` and `gnu` settings. */
export function classicOptions(p: DeflateParams): ClassicDeflateOptions {
  return {
    flavor: p.engine === "gnu" ? "gzip" : "zlib",
    level: p.level,
    memLevel: p.memLevel,
    windowBits: p.windowBits,
    strategy: p.strategy,
  };
}

function classic(p: DeflateParams) {
  return createClassicDeflater(classicOptions(p));
}

/**
 * Deflate `input` in one call with `params` (for small streams).
 *
 * @example
 * ```ts
 * const bytes = deflateWhole({ engine: "zlib", level: 6, memLevel: 8, windowBits: 15, strategy: 0 }, data);
 * ```
 */
export function deflateWhole(params: DeflateParams, input: Uint8Array): Uint8Array {
  if (params.engine === "node-zlib") return deflateRawSync(input, nodeOptions(params));
  const deflater = classic(params);
  let head: Uint8Array | undefined;
  let tail: Uint8Array | undefined;
  try {
    head = deflater.write(input);
    tail = deflater.finish();
  } finally {
    deflater.dispose();
  }
  if (head === undefined) return tail ?? new Uint8Array(0);
  if (tail === undefined) return head;
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/**
 * Deflate a stream with `params`, yielding output as it is produced. Stopping early (a
 * `break` in the consumer) releases everything. Chunks given in `input` may be kept by the
 * engine: pass copies.
 *
 * @example
 * ```ts
 * for await (const out of deflateStream(params, chunks)) compare(out);
 * ```
 */
export async function* deflateStream(
  params: DeflateParams,
  input: AsyncIterable<Uint8Array>,
  chunkSize = 64 * 1024,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (params.engine !== "node-zlib") {
    const deflater = classic(params);
    try {
      for await (const chunk of input) {
        const out = deflater.write(chunk);
        if (out !== undefined) yield out;
      }
      const last = deflater.finish();
      if (last !== undefined) yield last;
    } finally {
      deflater.dispose();
    }
    return;
  }
  const deflater = createDeflateRaw(nodeOptions(params, chunkSize));
  let stop = false;
  const feeding = feedTransform(deflater, input, () => stop);
  try {
    for await (const chunk of deflater) yield chunk as Buffer;
  } finally {
    stop = true;
    deflater.destroy();
    await feeding;
  }
}
