/** Input bytes waiting to enter the window, as a queue of chunks. */
export interface InputQueue {
  readonly length: number;
  push(chunk: Uint8Array): void;
  /** Move up to `size` bytes into `target` at `at`; returns how many. */
  readInto(target: Uint8Array, at: number, size: number): number;
}

export function createInputQueue(): InputQueue {
  const chunks: Uint8Array[] = [];
  let head = 0;
  let offset = 0;
  let length = 0;
  return {
    get length() {
      return length;
    },
    push(chunk: Uint8Array): void {
      if (chunk.length === 0) return;
      chunks.push(chunk);
      length += chunk.length;
    },
    readInto(target: Uint8Array, at: number, size: number): number {
      let done = 0;
      while (done < size && head < chunks.length) {
        const chunk = chunks[head] as Uint8Array;
        const n = Math.min(size - done, chunk.length - offset);
        target.set(chunk.subarray(offset, offset + n), at + done);
        done += n;
        offset += n;
        if (offset === chunk.length) {
          chunks[head] = new Uint8Array(0);
          head++;
          offset = 0;
        }
      }
      if (head > 64) {
        chunks.splice(0, head);
        head = 0;
      }
      length -= done;
      return done;
    },
  };
}
