/**
 * The VCDIFF instruction code table (RFC 3284 section 5.6).
 *
 * Each of the 256 opcodes stands for one instruction or a pair of instructions. Each half is a
 * (type, size, mode) triple; a size of 0 in the table means "the size follows the opcode as a
 * varint in the instructions section". The second half of a single-instruction opcode is NOOP.
 */

/** Instruction types as the RFC numbers them. */
export const VCD_NOOP = 0;
export const VCD_ADD = 1;
export const VCD_RUN = 2;
export const VCD_COPY = 3;

export type InstructionType = typeof VCD_NOOP | typeof VCD_ADD | typeof VCD_RUN | typeof VCD_COPY;

/** One code table entry: two instruction halves. */
export interface CodeTableEntry {
  readonly type1: InstructionType;
  readonly size1: number;
  readonly mode1: number;
  readonly type2: InstructionType;
  readonly size2: number;
  readonly mode2: number;
}

/**
 * A code table, flattened into parallel typed arrays indexed by opcode (fast to read in a
 * decoding loop), plus lookups for an encoder.
 */
export interface CodeTable {
  readonly type1: Uint8Array;
  readonly size1: Uint8Array;
  readonly mode1: Uint8Array;
  readonly type2: Uint8Array;
  readonly size2: Uint8Array;
  readonly mode2: Uint8Array;
  /** The entry of one opcode (0..255). */
  entry(opcode: number): CodeTableEntry;
}

/** Number of address modes of the default cache: self, here, 4 near, 3 same. */
export const DEFAULT_NEAR_SIZE = 4;
export const DEFAULT_SAME_SIZE = 3;
export const DEFAULT_MODE_COUNT = 2 + DEFAULT_NEAR_SIZE + DEFAULT_SAME_SIZE;

function buildDefaultEntries(): CodeTableEntry[] {
  const entries: CodeTableEntry[] = [];
  const single = (type: InstructionType, size: number, mode: number): CodeTableEntry => ({
    type1: type,
    size1: size,
    mode1: mode,
    type2: VCD_NOOP,
    size2: 0,
    mode2: 0,
  });
  // 0: RUN, size follows.
  entries.push(single(VCD_RUN, 0, 0));
  // 1..18: ADD with size 0 (follows), then 1..17.
  entries.push(single(VCD_ADD, 0, 0));
  for (let size = 1; size <= 17; size++) entries.push(single(VCD_ADD, size, 0));
  // 19..162: COPY per mode 0..8 with size 0, then 4..18.
  for (let mode = 0; mode < DEFAULT_MODE_COUNT; mode++) {
    entries.push(single(VCD_COPY, 0, mode));
    for (let size = 4; size <= 18; size++) entries.push(single(VCD_COPY, size, mode));
  }
  // 163..234: ADD [1,4] + COPY [4,6] for modes 0..5.
  for (let mode = 0; mode < 6; mode++) {
    for (let addSize = 1; addSize <= 4; addSize++) {
      for (let copySize = 4; copySize <= 6; copySize++) {
        entries.push({
          type1: VCD_ADD,
          size1: addSize,
          mode1: 0,
          type2: VCD_COPY,
          size2: copySize,
          mode2: mode,
        });
      }
    }
  }
  // 235..246: ADD [1,4] + COPY 4 for modes 6..8.
  for (let mode = 6; mode < DEFAULT_MODE_COUNT; mode++) {
    for (let addSize = 1; addSize <= 4; addSize++) {
      entries.push({
        type1: VCD_ADD,
        size1: addSize,
        mode1: 0,
        type2: VCD_COPY,
        size2: 4,
        mode2: mode,
      });
    }
  }
  // 247..255: COPY 4 (modes 0..8) + ADD 1.
  for (let mode = 0; mode < DEFAULT_MODE_COUNT; mode++) {
    entries.push({ type1: VCD_COPY, size1: 4, mode1: mode, type2: VCD_ADD, size2: 1, mode2: 0 });
  }
  return entries;
}

/**
 * Build a `CodeTable` from 256 entries.
 *
 * @example
 * ```ts
 * const table = createCodeTable(customEntries);
 * table.type1[opcode]; // VCD_ADD, VCD_RUN, ...
 * ```
 */
export function createCodeTable(entries: readonly CodeTableEntry[]): CodeTable {
  if (entries.length !== 256) throw new RangeError("a code table has exactly 256 entries");
  const type1 = new Uint8Array(256);
  const size1 = new Uint8Array(256);
  const mode1 = new Uint8Array(256);
  const type2 = new Uint8Array(256);
  const size2 = new Uint8Array(256);
  const mode2 = new Uint8Array(256);
  const frozen = entries.map((e) => Object.freeze({ ...e }));
  frozen.forEach((e, i) => {
    type1[i] = e.type1;
    size1[i] = e.size1;
    mode1[i] = e.mode1;
    type2[i] = e.type2;
    size2[i] = e.size2;
    mode2[i] = e.mode2;
  });
  return {
    type1,
    size1,
    mode1,
    type2,
    size2,
    mode2,
    entry(opcode: number): CodeTableEntry {
      const e = frozen[opcode];
      if (e === undefined) throw new RangeError(`opcode out of range: ${opcode}`);
      return e;
    },
  };
}

/** The RFC 3284 default code table (the only one `xdelta3` writes). */
export const DEFAULT_CODE_TABLE: CodeTable = createCodeTable(buildDefaultEntries());

// Lookups for encoders, over the default table. Index: (type * 9 + mode) * 256 + size.
const singleLookup = new Int16Array(4 * DEFAULT_MODE_COUNT * 256).fill(-1);
// Index: (mode * 5 + addSize) * 7 + copySize, for ADD+COPY; mode * 7 + copySize for COPY+ADD.
const addCopyLookup = new Int16Array(DEFAULT_MODE_COUNT * 5 * 7).fill(-1);
const copyAddLookup = new Int16Array(DEFAULT_MODE_COUNT * 7).fill(-1);
for (let op = 0; op < 256; op++) {
  const t = DEFAULT_CODE_TABLE;
  const t1 = t.type1[op]!;
  const s1 = t.size1[op]!;
  const m1 = t.mode1[op]!;
  const t2 = t.type2[op]!;
  const s2 = t.size2[op]!;
  const m2 = t.mode2[op]!;
  if (t2 === VCD_NOOP) {
    singleLookup[(t1 * DEFAULT_MODE_COUNT + m1) * 256 + s1] = op;
  } else if (t1 === VCD_ADD && t2 === VCD_COPY) {
    addCopyLookup[(m2 * 5 + s1) * 7 + s2] = op;
  } else if (t1 === VCD_COPY && t2 === VCD_ADD && s2 === 1) {
    copyAddLookup[m1 * 7 + s1] = op;
  }
}

/**
 * The default-table opcode for one instruction. Returns the opcode whose table size equals
 * `size` when there is one, otherwise the opcode with table size 0, in which case the caller
 * writes `size` as a varint after the opcode. Check `DEFAULT_CODE_TABLE.size1[op] === 0` to
 * know which case applies.
 *
 * @example
 * ```ts
 * const op = singleOpcode(VCD_COPY, 100, 0); // 19: size follows
 * const writeSize = DEFAULT_CODE_TABLE.size1[op] === 0;
 * ```
 */
export function singleOpcode(type: InstructionType, size: number, mode: number): number {
  if (type === VCD_NOOP || mode < 0 || mode >= DEFAULT_MODE_COUNT) {
    throw new RangeError(`no opcode for type ${type} mode ${mode}`);
  }
  if (type !== VCD_COPY && mode !== 0) throw new RangeError("only COPY has an address mode");
  const base = (type * DEFAULT_MODE_COUNT + mode) * 256;
  if (size > 0 && size < 256) {
    const exact = singleLookup[base + size]!;
    if (exact >= 0) return exact;
  }
  return singleLookup[base]!;
}

/**
 * The default-table opcode for an ADD of `addSize` bytes followed by a COPY of `copySize`
 * bytes in address mode `copyMode`, or -1 when the pair has no combined opcode.
 *
 * @example
 * ```ts
 * addCopyOpcode(1, 4, 0); // 163
 * addCopyOpcode(5, 4, 0); // -1: emit two single opcodes
 * ```
 */
export function addCopyOpcode(addSize: number, copySize: number, copyMode: number): number {
  if (addSize < 1 || addSize > 4 || copySize < 4 || copySize > 6) return -1;
  if (copyMode < 0 || copyMode >= DEFAULT_MODE_COUNT) return -1;
  return addCopyLookup[(copyMode * 5 + addSize) * 7 + copySize]!;
}

/**
 * The default-table opcode for a COPY of `copySize` bytes in mode `copyMode` followed by an
 * ADD of `addSize` bytes, or -1 when the pair has no combined opcode (only COPY 4 + ADD 1 has).
 *
 * @example
 * ```ts
 * copyAddOpcode(4, 0, 1); // 247
 * ```
 */
export function copyAddOpcode(copySize: number, copyMode: number, addSize: number): number {
  if (addSize !== 1 || copySize < 0 || copySize > 6) return -1;
  if (copyMode < 0 || copyMode >= DEFAULT_MODE_COUNT) return -1;
  return copyAddLookup[copyMode * 7 + copySize]!;
}
