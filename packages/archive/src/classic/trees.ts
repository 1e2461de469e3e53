import {
  BL_CODES,
  BL_ORDER,
  D_CODES,
  EXTRA_BLBITS,
  EXTRA_DBITS,
  EXTRA_LBITS,
  generateCodes,
  HEAP_SIZE,
  L_CODES,
  LITERALS,
  MAX_BITS,
  MAX_BL_BITS,
  REP_3_6,
  REPZ_3_10,
  REPZ_11_138,
  STATIC_DTREE_LEN,
  STATIC_LTREE_LEN,
} from "./tables.js";

/**
 * A Huffman tree as zlib lays it out: `fc` holds a node's frequency, later its code; `dl`
 * holds its parent, later its bit length. Sharing the slots matters: zlib's tie-breaks and
 * guards rely on it.
 */
export interface Tree {
  readonly fc: Uint16Array;
  readonly dl: Uint16Array;
  /** Largest code with a non-zero frequency, after `buildTree`. */
  maxCode: number;
  readonly elems: number;
  readonly staticLen: Uint16Array | undefined;
  readonly extraBits: Uint8Array;
  readonly extraBase: number;
  readonly maxLength: number;
}

/** Scratch shared by the tree builders, and the block's cost estimates. */
export interface TreeScratch {
  readonly heap: Int32Array;
  heapLen: number;
  heapMax: number;
  readonly depth: Uint8Array;
  readonly blCount: Uint16Array;
  /** Bit length of the block with dynamic trees, and with the fixed trees. */
  optLen: number;
  staticLen: number;
}

export function createTree(kind: "literal" | "distance" | "bitlength"): Tree {
  const size =
    kind === "literal" ? HEAP_SIZE : kind === "distance" ? 2 * D_CODES + 1 : 2 * BL_CODES + 1;
  return {
    fc: new Uint16Array(size),
    dl: new Uint16Array(size),
    maxCode: 0,
    elems: kind === "literal" ? L_CODES : kind === "distance" ? D_CODES : BL_CODES,
    staticLen:
      kind === "literal" ? STATIC_LTREE_LEN : kind === "distance" ? STATIC_DTREE_LEN : undefined,
    extraBits: kind === "literal" ? EXTRA_LBITS : kind === "distance" ? EXTRA_DBITS : EXTRA_BLBITS,
    extraBase: kind === "literal" ? LITERALS + 1 : 0,
    maxLength: kind === "bitlength" ? MAX_BL_BITS : MAX_BITS,
  };
}

export function createTreeScratch(): TreeScratch {
  return {
    heap: new Int32Array(2 * L_CODES + 1),
    heapLen: 0,
    heapMax: 0,
    depth: new Uint8Array(2 * L_CODES + 1),
    blCount: new Uint16Array(MAX_BITS + 1),
    optLen: 0,
    staticLen: 0,
  };
}

function smaller(tree: Tree, depth: Uint8Array, n: number, m: number): boolean {
  const fn = tree.fc[n] as number;
  const fm = tree.fc[m] as number;
  return fn < fm || (fn === fm && (depth[n] as number) <= (depth[m] as number));
}

function downHeap(s: TreeScratch, tree: Tree, start: number): void {
  const heap = s.heap;
  let k = start;
  const v = heap[k] as number;
  let j = k << 1;
  while (j <= s.heapLen) {
    if (j < s.heapLen && smaller(tree, s.depth, heap[j + 1] as number, heap[j] as number)) j++;
    if (smaller(tree, s.depth, v, heap[j] as number)) break;
    heap[k] = heap[j] as number;
    k = j;
    j <<= 1;
  }
  heap[k] = v;
}

/** Bit lengths from the tree shape, limited to `maxLength` the way zlib does it. */
function generateBitLengths(s: TreeScratch, tree: Tree): void {
  const { fc, dl, maxCode, staticLen, extraBits, extraBase, maxLength } = tree;
  const heap = s.heap;
  s.blCount.fill(0);
  dl[heap[s.heapMax] as number] = 0;
  let overflow = 0;
  let h = s.heapMax + 1;
  for (; h < HEAP_SIZE; h++) {
    const n = heap[h] as number;
    let bits = (dl[dl[n] as number] as number) + 1;
    if (bits > maxLength) {
      bits = maxLength;
      overflow++;
    }
    dl[n] = bits;
    if (n > maxCode) continue;
    s.blCount[bits] = (s.blCount[bits] as number) + 1;
    const xbits = n >= extraBase ? (extraBits[n - extraBase] as number) : 0;
    const f = fc[n] as number;
    s.optLen += f * (bits + xbits);
    if (staticLen !== undefined) s.staticLen += f * ((staticLen[n] as number) + xbits);
  }
  if (overflow === 0) return;
  do {
    let bits = maxLength - 1;
    while (s.blCount[bits] === 0) bits--;
    s.blCount[bits] = (s.blCount[bits] as number) - 1;
    s.blCount[bits + 1] = (s.blCount[bits + 1] as number) + 2;
    s.blCount[maxLength] = (s.blCount[maxLength] as number) - 1;
    overflow -= 2;
  } while (overflow > 0);
  for (let bits = maxLength; bits !== 0; bits--) {
    let n = s.blCount[bits] as number;
    while (n !== 0) {
      const m = heap[--h] as number;
      if (m > maxCode) continue;
      if (dl[m] !== bits) {
        s.optLen += (bits - (dl[m] as number)) * (fc[m] as number);
        dl[m] = bits;
      }
      n--;
    }
  }
}

/** Build the Huffman tree of `tree`'s frequencies; sets lengths, codes and `maxCode`. */
export function buildTree(s: TreeScratch, tree: Tree): void {
  const { fc, dl, elems, staticLen } = tree;
  const heap = s.heap;
  let maxCode = -1;
  s.heapLen = 0;
  s.heapMax = HEAP_SIZE;
  for (let n = 0; n < elems; n++) {
    if (fc[n] !== 0) {
      heap[++s.heapLen] = maxCode = n;
      s.depth[n] = 0;
    } else {
      dl[n] = 0;
    }
  }
  // The format needs at least two codes of non-zero length.
  while (s.heapLen < 2) {
    const node = maxCode < 2 ? ++maxCode : 0;
    heap[++s.heapLen] = node;
    fc[node] = 1;
    s.depth[node] = 0;
    s.optLen--;
    if (staticLen !== undefined) s.staticLen -= staticLen[node] as number;
  }
  tree.maxCode = maxCode;
  for (let n = s.heapLen >> 1; n >= 1; n--) downHeap(s, tree, n);
  let node = elems;
  do {
    const n = heap[1] as number;
    heap[1] = heap[s.heapLen--] as number;
    downHeap(s, tree, 1);
    const m = heap[1] as number;
    heap[--s.heapMax] = n;
    heap[--s.heapMax] = m;
    fc[node] = (fc[n] as number) + (fc[m] as number);
    const dn = s.depth[n] as number;
    const dm = s.depth[m] as number;
    s.depth[node] = Math.max(dn, dm) + 1;
    dl[n] = node;
    dl[m] = node;
    heap[1] = node++;
    downHeap(s, tree, 1);
  } while (s.heapLen >= 2);
  heap[--s.heapMax] = heap[1] as number;
  generateBitLengths(s, tree);
  generateCodes(fc, dl, maxCode, s.blCount);
}

/** Count, in the bit-length tree, the run-length codes `tree`'s lengths will be sent with. */
export function scanTree(tree: Tree, blTree: Tree): void {
  const dl = tree.dl;
  const maxCode = tree.maxCode;
  const bl = blTree.fc;
  let prevLen = -1;
  let nextLen = dl[0] as number;
  let count = 0;
  let maxCount = 7;
  let minCount = 4;
  if (nextLen === 0) {
    maxCount = 138;
    minCount = 3;
  }
  dl[maxCode + 1] = 0xffff; // guard
  for (let n = 0; n <= maxCode; n++) {
    const curLen = nextLen;
    nextLen = dl[n + 1] as number;
    if (++count < maxCount && curLen === nextLen) continue;
    if (count < minCount) bl[curLen] = (bl[curLen] as number) + count;
    else if (curLen !== 0) {
      if (curLen !== prevLen) bl[curLen] = (bl[curLen] as number) + 1;
      bl[REP_3_6] = (bl[REP_3_6] as number) + 1;
    } else if (count <= 10) bl[REPZ_3_10] = (bl[REPZ_3_10] as number) + 1;
    else bl[REPZ_11_138] = (bl[REPZ_11_138] as number) + 1;
    count = 0;
    prevLen = curLen;
    if (nextLen === 0) {
      maxCount = 138;
      minCount = 3;
    } else if (curLen === nextLen) {
      maxCount = 6;
      minCount = 3;
    } else {
      maxCount = 7;
      minCount = 4;
    }
  }
}

/** Build the bit-length tree; returns the index in BL_ORDER of the last length to send. */
export function buildBitLengthTree(
  s: TreeScratch,
  literals: Tree,
  distances: Tree,
  blTree: Tree,
): number {
  scanTree(literals, blTree);
  scanTree(distances, blTree);
  buildTree(s, blTree);
  let maxBlIndex = BL_CODES - 1;
  for (; maxBlIndex >= 3; maxBlIndex--) {
    if (blTree.dl[BL_ORDER[maxBlIndex] as number] !== 0) break;
  }
  s.optLen += 3 * (maxBlIndex + 1) + 5 + 5 + 4;
  return maxBlIndex;
}
