/**
 * Typed arrays of finished deflaters, kept for the next deflater of the same thread. A worker
 * makes a deflater per job (and one per candidate settings when searching), each with about
 * 350 KB of arrays; made fresh every time, they were garbage faster than the collector ran,
 * and the allocator kept the memory: a deflate worker's thread grew by tens of MB. A few of
 * each size are kept; they are zeroed when handed out, as fresh ones are.
 */

type Kind = "u8" | "u16";
type ArrayOf<K extends Kind> = K extends "u8" ? Uint8Array : Uint16Array;

/** Arrays kept per kind and length. */
const KEPT_PER_SIZE = 4;
const spare = new Map<string, (Uint8Array | Uint16Array)[]>();

/** A zeroed array of `length` elements: a spare one when there is one, else a new one. */
export function zeroedArray<K extends Kind>(kind: K, length: number): ArrayOf<K> {
  const kept = spare.get(`${kind}:${length}`)?.pop();
  if (kept !== undefined) {
    kept.fill(0);
    return kept as ArrayOf<K>;
  }
  return (kind === "u8" ? new Uint8Array(length) : new Uint16Array(length)) as ArrayOf<K>;
}

/** Keep arrays for later deflaters; the caller no longer uses them. */
export function spareArrays(arrays: readonly (Uint8Array | Uint16Array)[]): void {
  for (const array of arrays) {
    // Only whole buffers: a view's buffer may still be in use elsewhere.
    if (array.byteOffset !== 0 || array.byteLength !== array.buffer.byteLength) continue;
    const key = `${array instanceof Uint8Array ? "u8" : "u16"}:${array.length}`;
    let list = spare.get(key);
    if (list === undefined) {
      list = [];
      spare.set(key, list);
    }
    if (list.length < KEPT_PER_SIZE && !list.includes(array)) list.push(array);
  }
}
