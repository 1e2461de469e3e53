import { InvalidArgumentError } from "@dg/core";

/**
 * How an S3 key becomes a path under a bucket folder of the directory store.
 *
 * The key is split on `/`. Each segment is percent-encoded byte by byte, keeping only
 * `a-z 0-9 . _ -` (so upper case, `%`, `~`, `\`, NUL and every non-ASCII byte are encoded: names
 * are the same on case-insensitive and Unicode-normalising file systems, and no segment can be
 * `..` or empty). Then a suffix says what the name is:
 *
 * - `~o`: an object file (the last segment),
 * - `~d`: a folder for the keys continuing with `segment/`,
 * - `~c`: a folder continuing the same segment (an encoded segment longer than
 *   {@link MAX_PIECE} characters is cut into pieces, so no name exceeds the 255-byte limit).
 *
 * So `a` is `a~o` and `a/b` is `a~d/b~o`: a key and a "directory" of the same name never
 * collide, keys may end in `/` (`a/` is `a~d/~o`), and nothing can point outside the bucket.
 * Every other name in a bucket folder (temporary files) has no suffix and is ignored.
 */
export const OBJECT_SUFFIX = "~o";
export const FOLDER_SUFFIX = "~d";
export const CONTINUATION_SUFFIX = "~c";

/** Longest encoded piece of one segment (the name is this plus a 2-character suffix). */
export const MAX_PIECE = 200;

const MAX_KEY_BYTES = 1024;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const KEEP = new Uint8Array(256);
for (const c of "abcdefghijklmnopqrstuvwxyz0123456789._-") KEEP[c.charCodeAt(0)] = 1;
const HEX = "0123456789ABCDEF";

function encodeSegment(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    out += KEEP[b] ? String.fromCharCode(b) : `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

function splitPieces(encoded: string): string[] {
  const pieces: string[] = [];
  let at = 0;
  while (encoded.length - at > MAX_PIECE) {
    let end = at + MAX_PIECE;
    // Never cut inside a %XX triplet.
    if (encoded[end - 1] === "%") end -= 1;
    else if (encoded[end - 2] === "%") end -= 2;
    pieces.push(encoded.slice(at, end));
    at = end;
  }
  pieces.push(encoded.slice(at));
  return pieces;
}

/** Throw `InvalidArgumentError` for keys S3 would refuse too. */
export function assertValidKey(key: string): void {
  if (key.length === 0) throw new InvalidArgumentError("An object key must not be empty.");
  if (LONE_SURROGATE.test(key)) {
    throw new InvalidArgumentError(
      "An object key must be valid Unicode (it has a lone surrogate).",
    );
  }
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw new InvalidArgumentError(
      `An object key must be at most ${MAX_KEY_BYTES} bytes of UTF-8.`,
    );
  }
}

/**
 * The path components (relative to the bucket folder) of the object file for `key`.
 *
 * @example
 * ```ts
 * keyToPath("Docs/a b.txt"); // ["%44ocs~d", "a%20b.txt~o"]
 * ```
 */
export function keyToPath(key: string): string[] {
  assertValidKey(key);
  const segments = key.split("/");
  const components: string[] = [];
  segments.forEach((segment, index) => {
    const pieces = splitPieces(encodeSegment(Buffer.from(segment, "utf8")));
    const last = index === segments.length - 1;
    pieces.forEach((piece, p) => {
      if (p < pieces.length - 1) components.push(piece + CONTINUATION_SUFFIX);
      else components.push(piece + (last ? OBJECT_SUFFIX : FOLDER_SUFFIX));
    });
  });
  return components;
}

/** What a name in a bucket folder is, or `undefined` for names the store does not own. */
export type EntryKind = "object" | "folder" | "continuation";

/** What a name is, by its two-character suffix; `undefined` for names the store does not own. */
function kindOfName(name: string): EntryKind | undefined {
  const suffix = name.slice(-2);
  return suffix === OBJECT_SUFFIX
    ? "object"
    : suffix === FOLDER_SUFFIX
      ? "folder"
      : suffix === CONTINUATION_SUFFIX
        ? "continuation"
        : undefined;
}

/** Split a file name into its kind and the bytes of key it stands for. */
export function parseName(name: string): { kind: EntryKind; bytes: Buffer } | undefined {
  const kind = kindOfName(name);
  if (kind === undefined) return undefined;
  const bytes = decodePiece(name.slice(0, -2));
  if (bytes === undefined) return undefined;
  return { kind, bytes: kind === "folder" ? Buffer.concat([bytes, SLASH]) : bytes };
}

const SLASH = Buffer.from("/");
const PERCENT = 0x25;

/**
 * {@link parseName} of a name in a folder whose keys start with `base`: the bytes returned are
 * `base` and the name's own, in one buffer. A name without `%` escapes (the usual case) is
 * decoded without an intermediate buffer (a listing parses every name of a folder per page).
 */
export function parseNameUnder(
  name: string,
  base: Buffer,
): { kind: EntryKind; bytes: Buffer } | undefined {
  const kind = kindOfName(name);
  if (kind === undefined) return undefined;
  const length = name.length - 2;
  for (let i = 0; i < length; i++) {
    const c = name.charCodeAt(i);
    if (c === PERCENT) {
      const parsed = parseName(name);
      return parsed && { kind, bytes: Buffer.concat([base, parsed.bytes]) };
    }
    if (!KEEP[c]) return undefined;
  }
  const tail = kind === "folder" ? 1 : 0;
  const bytes = Buffer.allocUnsafe(base.length + length + tail);
  base.copy(bytes, 0);
  // Every character kept is ASCII: one byte each.
  bytes.write(name, base.length, length, "latin1");
  if (tail) bytes[bytes.length - 1] = 0x2f;
  return { kind, bytes };
}

function decodePiece(encoded: string): Buffer | undefined {
  const out: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 0x25) {
      const hex = encoded.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (KEEP[c]) {
      out.push(c);
    } else {
      return undefined;
    }
  }
  return Buffer.from(out);
}
