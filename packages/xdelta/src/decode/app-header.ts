/**
 * The application header `xdelta3` writes: `<target name>/<T>/<source name>/<S>`, where T and S
 * are one-letter codes of the external compressor xdelta3 ran over that file before encoding
 * (empty when it did not), e.g. `new.gz/G/old.gz/G` or `new.zip//old.zip/`. Without a source:
 * `<target name>/<T>`.
 */

/** External compressors xdelta3 knows, by the letter of the application header. */
export type ExternalCompression = "gzip" | "bzip2" | "xz" | "compress" | "unknown";

export interface Xdelta3AppHeader {
  readonly targetName: string;
  readonly sourceName?: string;
  /** Set when xdelta3 decompressed the target before encoding. */
  readonly targetCompression?: ExternalCompression;
  /** Set when xdelta3 decompressed the source before encoding. */
  readonly sourceCompression?: ExternalCompression;
}

function compressionOf(letter: string): ExternalCompression | undefined {
  switch (letter) {
    case "":
      return undefined;
    case "G":
      return "gzip";
    case "B":
      return "bzip2";
    case "Y":
      return "xz";
    case "Z":
      return "compress";
    default:
      return "unknown";
  }
}

/**
 * Parse an xdelta3 application header; `undefined` when it does not have xdelta3's shape.
 *
 * @example
 * ```ts
 * parseXdelta3AppHeader(new TextEncoder().encode("b.gz/G/a.gz/G"));
 * // { targetName: "b.gz", targetCompression: "gzip", sourceName: "a.gz", sourceCompression: "gzip" }
 * ```
 */
export function parseXdelta3AppHeader(bytes: Uint8Array): Xdelta3AppHeader | undefined {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  const parts = text.split("/");
  if (parts.length !== 2 && parts.length !== 4) return undefined;
  if (parts.some((p, i) => i % 2 === 1 && p.length > 1)) return undefined;
  const [targetName = "", targetLetter = "", sourceName, sourceLetter = ""] = parts;
  const targetCompression = compressionOf(targetLetter);
  const sourceCompression = compressionOf(sourceLetter);
  return {
    targetName,
    ...(sourceName === undefined ? {} : { sourceName }),
    ...(targetCompression === undefined ? {} : { targetCompression }),
    ...(sourceCompression === undefined ? {} : { sourceCompression }),
  };
}
