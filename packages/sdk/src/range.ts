import type { ByteRange } from "@dg/core";
import { InvalidArgumentError } from "@dg/core";

/** A range request before the object's size is known. */
export type RangeRequest =
  | { readonly kind: "from"; readonly start: number; readonly end?: number }
  | { readonly kind: "suffix"; readonly length: number };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * Parse an HTTP `Range` header of one byte range: `bytes=a-b`, `bytes=a-` or `bytes=-n`.
 *
 * @example
 * ```ts
 * parseRange("bytes=0-99"); // { kind: "from", start: 0, end: 99 }
 * ```
 */
export function parseRange(header: string): RangeRequest {
  const match = SINGLE_RANGE.exec(header.trim().replace(/\s+/g, ""));
  const first = match?.[1] ?? "";
  const last = match?.[2] ?? "";
  if (!match || (first === "" && last === "")) {
    throw new InvalidArgumentError(`Invalid Range: ${header}`, {
      hint: "Use one range: bytes=start-end, bytes=start- or bytes=-suffixLength.",
    });
  }
  if (first === "") return { kind: "suffix", length: Number(last) };
  const start = Number(first);
  if (last === "") return { kind: "from", start };
  const end = Number(last);
  if (end < start) {
    throw new InvalidArgumentError(`Invalid Range: ${header} (end before start)`);
  }
  return { kind: "from", start, end };
}

/**
 * The inclusive range of an object of `size` bytes that a request selects, clamped to the
 * object as S3 does; `InvalidArgumentError` when it selects nothing (S3's 416 InvalidRange).
 */
export function resolveRange(
  request: RangeRequest,
  size: number,
  header: string,
): Required<ByteRange> {
  if (request.kind === "suffix") {
    if (request.length === 0 || size === 0) throw unsatisfiable(header, size);
    return { start: Math.max(0, size - request.length), end: size - 1 };
  }
  if (request.start >= size) throw unsatisfiable(header, size);
  return { start: request.start, end: Math.min(request.end ?? size - 1, size - 1) };
}

function unsatisfiable(header: string, size: number): InvalidArgumentError {
  return new InvalidArgumentError(`Range not satisfiable: ${header} of a ${size}-byte object`, {
    hint: "The range must start inside the object.",
  });
}

/** `bytes a-b/size`, the Content-Range of a ranged response. */
export function contentRange(range: Required<ByteRange>, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
