/** One file of a test tar. */
export interface TarEntryInput {
  readonly name: string;
  readonly data: Uint8Array;
}

function field(header: Uint8Array, at: number, length: number, text: string): void {
  header.set(Buffer.from(text, "ascii").subarray(0, length), at);
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, "0")}\0`;
}

/** A minimal ustar writer, as npm pack lays out packages (`package/...`). Test-only, in memory. */
export function writeTar(entries: readonly TarEntryInput[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const header = new Uint8Array(512);
    field(header, 0, 100, entry.name);
    field(header, 100, 8, octal(0o644, 8));
    field(header, 108, 8, octal(0, 8));
    field(header, 116, 8, octal(0, 8));
    field(header, 124, 12, octal(entry.data.length, 12));
    field(header, 136, 12, octal(499162500, 12));
    field(header, 148, 8, "        ");
    field(header, 156, 1, "0");
    field(header, 257, 8, "ustar\u000000");
    let sum = 0;
    for (const byte of header) sum += byte;
    field(header, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
    parts.push(header, entry.data);
    const pad = (512 - (entry.data.length % 512)) % 512;
    if (pad > 0) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}
