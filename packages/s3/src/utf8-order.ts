/** Compare two keys in S3 order: ascending UTF-8 bytes (not JavaScript's UTF-16 order). */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
