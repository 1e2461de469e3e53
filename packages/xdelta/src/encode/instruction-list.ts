/**
 * The instructions chosen for one target window, before they are encoded. Source COPYs keep
 * their absolute source position (the window's source segment is known only at the end);
 * target COPYs and ADDs keep their offset in the window. Adjacent compatible instructions are
 * merged as they are added, so a match cut in pieces (cache blocks) becomes one COPY.
 */

export const INST_ADD = 1;
export const INST_RUN = 2;
export const INST_COPY_SOURCE = 3;
export const INST_COPY_TARGET = 4;

export interface InstructionList {
  readonly count: number;
  /** `INST_*` per instruction. */
  readonly kind: Uint8Array;
  readonly size: Int32Array;
  /** ADD: window offset of its bytes; RUN: the byte; COPY: source position or window offset. */
  readonly addr: Float64Array;
  /** Lowest source position any source COPY reads, or -1 when there is none. */
  readonly sourceStart: number;
  /** End of the highest source range any source COPY reads. */
  readonly sourceEnd: number;
  add(offset: number, length: number): void;
  run(byte: number, length: number): void;
  copySource(position: number, length: number): void;
  copyTarget(offset: number, length: number): void;
  clear(): void;
}

/**
 * Create an empty list that grows as needed.
 *
 * @example
 * ```ts
 * const list = createInstructionList();
 * list.add(0, 10); list.copySource(5000, 100);
 * ```
 */
export function createInstructionList(initialCapacity = 1024): InstructionList {
  let capacity = initialCapacity;
  let kind = new Uint8Array(capacity);
  let size = new Int32Array(capacity);
  let addr = new Float64Array(capacity);
  let count = 0;
  let sourceStart = -1;
  let sourceEnd = 0;

  const grow = (): void => {
    capacity *= 2;
    const k = new Uint8Array(capacity);
    k.set(kind);
    kind = k;
    const s = new Int32Array(capacity);
    s.set(size);
    size = s;
    const a = new Float64Array(capacity);
    a.set(addr);
    addr = a;
  };
  const push = (k: number, length: number, address: number): void => {
    if (count > 0) {
      const last = count - 1;
      if (kind[last] === k) {
        if (
          (k === INST_ADD || k === INST_COPY_SOURCE || k === INST_COPY_TARGET) &&
          addr[last]! + size[last]! === address
        ) {
          size[last]! += length;
          return;
        }
        if (k === INST_RUN && addr[last] === address) {
          size[last]! += length;
          return;
        }
      }
    }
    if (count === capacity) grow();
    kind[count] = k;
    size[count] = length;
    addr[count] = address;
    count++;
  };

  return {
    get count() {
      return count;
    },
    get kind() {
      return kind;
    },
    get size() {
      return size;
    },
    get addr() {
      return addr;
    },
    get sourceStart() {
      return sourceStart;
    },
    get sourceEnd() {
      return sourceEnd;
    },
    add(offset, length) {
      if (length > 0) push(INST_ADD, length, offset);
    },
    run(byte, length) {
      if (length > 0) push(INST_RUN, length, byte);
    },
    copySource(position, length) {
      if (length <= 0) return;
      if (sourceStart < 0 || position < sourceStart) sourceStart = position;
      if (position + length > sourceEnd) sourceEnd = position + length;
      push(INST_COPY_SOURCE, length, position);
    },
    copyTarget(offset, length) {
      if (length > 0) push(INST_COPY_TARGET, length, offset);
    },
    clear() {
      count = 0;
      sourceStart = -1;
      sourceEnd = 0;
    },
  };
}
