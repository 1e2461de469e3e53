/**
 * S3 user metadata travels in HTTP headers, which carry ASCII only. Values with other
 * characters are sent as RFC 2047 encoded words (`=?UTF-8?B?…?=`), as AWS's own tools do,
 * and decoded on the way back. Keys are lower-cased (S3 does it anyway).
 */
const PLAIN = /^[\x20-\x7e]*$/;
const ENCODED_WORD = /^=\?UTF-8\?([BQ])\?([^?]*)\?=$/i;

export function encodeMetadata(
  metadata: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    out[key.toLowerCase()] =
      PLAIN.test(value) && !ENCODED_WORD.test(value)
        ? value
        : `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
  }
  return out;
}

export function decodeMetadata(
  metadata: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    out[key.toLowerCase()] = decodeValue(value);
  }
  return out;
}

function decodeValue(value: string): string {
  const match = ENCODED_WORD.exec(value);
  if (!match) return value;
  const [, kind, payload = ""] = match;
  if (kind?.toUpperCase() === "B") return Buffer.from(payload, "base64").toString("utf8");
  const bytes = payload
    .replace(/_/g, " ")
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}
