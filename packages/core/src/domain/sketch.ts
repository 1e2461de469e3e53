/**
 * A small similarity sketch of a file, cheap enough to compute during the hash pass of an
 * upload and small enough to keep in a reference's metadata (`dg-sketch`).
 *
 * The file is cut into content-defined chunks (a gear rolling hash picks the cut points, so an
 * insertion moves only the chunks around it), each chunk is fingerprinted, and the sketch keeps
 * the {@link SKETCH_SIZE} smallest distinct fingerprints (a bottom-k MinHash). The share of
 * chunks two files have in common is then estimated from their sketches alone.
 */
import { gearTable } from "../util/gear.js";

/** Fingerprints a sketch keeps. */
export const SKETCH_SIZE = 64;
/** The version prefix of an encoded sketch; sketches of another version never compare. */
const SKETCH_VERSION = "1";
/** Cut when the low 11 bits of the rolling hash are zero: chunks of about 2 KiB. */
const CUT_MASK = (1 << 11) - 1;
const MIN_CHUNK = 256;
const MAX_CHUNK = 16 * 1024;

/** The gear table of the rolling hash that cuts chunks. */
const GEAR = gearTable(0x9e3779b9);

/** A sketch: up to {@link SKETCH_SIZE} fingerprints, ascending, distinct. */
export type Sketch = readonly number[];

/** Feeds bytes in order and yields the sketch of everything fed. */
export interface Sketcher {
  update(chunk: Uint8Array): void;
  digest(): Sketch;
}

/** Final mix of a 32-bit fingerprint (murmur3's fmix32), unsigned. */
function mix(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The smallest distinct values seen, at most `size` of them, ascending. */
class BottomK {
  readonly values: number[] = [];
  constructor(private readonly size: number) {}
  add(value: number): void {
    const values = this.values;
    const full = values.length >= this.size;
    if (full && value >= (values[values.length - 1] as number)) return;
    let low = 0;
    let high = values.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((values[middle] as number) < value) low = middle + 1;
      else high = middle;
    }
    if (values[low] === value) return;
    values.splice(low, 0, value);
    if (values.length > this.size) values.pop();
  }
}

/**
 * Start a sketch. Feed the file's bytes in order with `update`, then call `digest` once.
 *
 * @example
 * ```ts
 * const sketcher = createSketcher();
 * for await (const chunk of file) sketcher.update(chunk);
 * const sketch = sketcher.digest();
 * ```
 */
export function createSketcher(): Sketcher {
  const bottom = new BottomK(SKETCH_SIZE);
  let rolling = 0;
  let fingerprint = 0x811c9dc5 | 0;
  let length = 0;
  const cut = () => {
    bottom.add(mix(fingerprint ^ Math.imul(length, 0x9e3779b1)));
    rolling = 0;
    fingerprint = 0x811c9dc5 | 0;
    length = 0;
  };
  return {
    update(chunk: Uint8Array): void {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i] as number;
        rolling = ((rolling << 1) + (GEAR[byte] as number)) | 0;
        fingerprint = Math.imul(fingerprint ^ byte, 0x01000193);
        length++;
        if (length >= MAX_CHUNK || (length >= MIN_CHUNK && (rolling & CUT_MASK) === 0)) cut();
      }
    },
    digest(): Sketch {
      if (length > 0) cut();
      return [...bottom.values];
    },
  };
}

/**
 * The estimated share of chunks two files have in common (Jaccard similarity, 0 to 1), from
 * their sketches: among the smallest fingerprints of both together, the share both hold.
 *
 * @example
 * ```ts
 * estimateSimilarity(sketchOf(v1), sketchOf(v2)); // 0.87
 * ```
 */
export function estimateSimilarity(a: Sketch, b: Sketch): number {
  if (a.length === 0 || b.length === 0) return 0;
  const union = new BottomK(SKETCH_SIZE);
  for (const value of a) union.add(value);
  for (const value of b) union.add(value);
  const inA = new Set(a);
  const inB = new Set(b);
  let shared = 0;
  for (const value of union.values) if (inA.has(value) && inB.has(value)) shared++;
  return shared / union.values.length;
}

/**
 * A sketch as metadata text: `1:` then the fingerprints as big-endian 32-bit words in base64.
 *
 * @example
 * ```ts
 * encodeSketch([1, 2]); // "1:AAAAAQAAAAI="
 * ```
 */
export function encodeSketch(sketch: Sketch): string {
  const bytes = new Uint8Array(sketch.length * 4);
  const view = new DataView(bytes.buffer);
  sketch.forEach((value, i) => {
    view.setUint32(i * 4, value);
  });
  return `${SKETCH_VERSION}:${toBase64(bytes)}`;
}

/** Parse {@link encodeSketch}'s text; `undefined` for anything else (another version, damage). */
export function parseSketch(text: string | undefined): Sketch | undefined {
  if (text === undefined || !text.startsWith(`${SKETCH_VERSION}:`)) return undefined;
  const body = text.slice(SKETCH_VERSION.length + 1);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return undefined;
  const bytes = fromBase64(body);
  if (bytes === undefined || bytes.length % 4 !== 0 || bytes.length / 4 > SKETCH_SIZE) {
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: number[] = [];
  for (let at = 0; at < bytes.length; at += 4) values.push(view.getUint32(at));
  for (let i = 1; i < values.length; i++) {
    if ((values[i] as number) <= (values[i - 1] as number)) return undefined;
  }
  return values;
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}
