import { InvalidArgumentError } from "../errors.js";
import type { ObjectHeaders } from "../ports/object-store.js";

/** The fields of {@link ObjectHeaders}, in the order S3 documents them. */
export const OBJECT_HEADER_FIELDS = [
  "cacheControl",
  "contentDisposition",
  "contentEncoding",
  "contentLanguage",
  "expires",
] as const;

/**
 * `{ [key]: value }` when the value is defined, `{}` otherwise: for building objects with
 * optional properties under `exactOptionalPropertyTypes`.
 *
 * @example
 * ```ts
 * const input = { Bucket: "b", ...optionalEntry("ContentType", maybeType) };
 * ```
 */
export function optionalEntry<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * The headers that are set, as a fresh object (`expires` copied), or `undefined` when none is.
 *
 * @example
 * ```ts
 * compactHeaders({ cacheControl: "max-age=60", contentLanguage: undefined });
 * // { cacheControl: "max-age=60" }
 * ```
 */
export function compactHeaders(headers: ObjectHeaders | undefined): ObjectHeaders | undefined {
  if (headers === undefined) return undefined;
  const out: { -readonly [K in keyof ObjectHeaders]: ObjectHeaders[K] } = {};
  let any = false;
  for (const field of OBJECT_HEADER_FIELDS) {
    const value = headers[field];
    if (value === undefined) continue;
    any = true;
    if (field === "expires") {
      // Not a Date (from plain JavaScript): kept as it is, for validateHeaders to refuse.
      out.expires = value instanceof Date ? new Date(value.getTime()) : (value as unknown as Date);
    } else out[field] = value as string;
  }
  return any ? out : undefined;
}

/** `{ headers }` when any header is set, `{}` otherwise. */
export function headersEntry(headers: ObjectHeaders | undefined): { headers?: ObjectHeaders } {
  return optionalEntry("headers", compactHeaders(headers));
}

/**
 * Whether text holds a control character (C0 or DEL): such text cannot travel as an HTTP
 * header value.
 *
 * @example
 * ```ts
 * hasControlCharacter("max-age=60\n"); // true
 * ```
 */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Check headers before anything is uploaded: `expires` must be a valid date, and values must
 * be single-line printable text (they travel as HTTP headers).
 *
 * @example
 * ```ts
 * validateHeaders({ expires: new Date("nope") }); // throws InvalidArgumentError
 * ```
 */
export function validateHeaders(headers: ObjectHeaders | undefined): void {
  if (headers === undefined) return;
  if (headers.expires !== undefined) {
    if (!(headers.expires instanceof Date) || Number.isNaN(headers.expires.getTime())) {
      throw new InvalidArgumentError("Invalid Expires: not a valid date", {
        hint: "Give Expires as a Date, e.g. new Date('2030-01-01T00:00:00Z').",
      });
    }
  }
  for (const field of OBJECT_HEADER_FIELDS) {
    const value = headers[field];
    if (field === "expires" || value === undefined) continue;
    if (typeof value !== "string" || hasControlCharacter(value)) {
      throw new InvalidArgumentError(`Invalid ${field}: ${JSON.stringify(value)}`, {
        hint: "Header values are single-line text without control characters.",
      });
    }
  }
}
