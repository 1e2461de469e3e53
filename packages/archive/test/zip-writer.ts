import { crc32, deflateRawSync } from "node:zlib";

/** One file of a test zip. */
export interface ZipEntryInput {
  readonly name: string;
  readonly data: Uint8Array;
  /** Default "deflate". */
  readonly method?: "deflate" | "store";
  /** zlib level for deflated entries; default 6 (what most zlib-based writers use). */
  readonly level?: number;
  /** Write sizes and CRC after the data (general purpose flag bit 3), as streaming writers do. */
  readonly dataDescriptor?: boolean;
}

export interface ZipOptions {
  /** Write zip64 records (extra fields, zip64 end of central directory) even for small files. */
  readonly zip64?: boolean;
  readonly comment?: string;
}

class Out {
  private readonly parts: Uint8Array[] = [];
  size = 0;
  u16(v: number): this {
    return this.bytes(new Uint8Array([v & 0xff, (v >>> 8) & 0xff]));
  }
  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return this.bytes(b);
  }
  u64(v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    return this.bytes(b);
  }
  bytes(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }
  finish(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

const DOS_TIME = 0x6000; // 12:00:00
const DOS_DATE = ((2024 - 1980) << 9) | (6 << 5) | 1;

/**
 * A minimal zip writer on node:zlib (deflateRaw per entry), with the variants real writers
 * produce: stored entries, data descriptors, zip64 records. Test-only; holds everything in memory.
 */
export function writeZip(entries: readonly ZipEntryInput[], options: ZipOptions = {}): Uint8Array {
  const out = new Out();
  const zip64 = options.zip64 === true;
  const central = new Out();
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const store = entry.method === "store";
    const body = store ? entry.data : deflateRawSync(entry.data, { level: entry.level ?? 6 });
    const crc = crc32(entry.data);
    const dd = entry.dataDescriptor === true;
    const flags = (dd ? 8 : 0) | 0x800;
    const method = store ? 0 : 8;
    const needed = zip64 ? 45 : 20;
    const offset = out.size;
    const localExtra = zip64
      ? new Out()
          .u16(1)
          .u16(16)
          .u64(dd ? 0 : entry.data.length)
          .u64(dd ? 0 : body.length)
          .finish()
      : new Uint8Array(0);
    out.u32(0x04034b50).u16(needed).u16(flags).u16(method).u16(DOS_TIME).u16(DOS_DATE);
    out.u32(dd ? 0 : crc);
    if (zip64) out.u32(0xffffffff).u32(0xffffffff);
    else out.u32(dd ? 0 : body.length).u32(dd ? 0 : entry.data.length);
    out.u16(name.length).u16(localExtra.length).bytes(name).bytes(localExtra).bytes(body);
    if (dd) {
      out.u32(0x08074b50).u32(crc);
      if (zip64) out.u64(body.length).u64(entry.data.length);
      else out.u32(body.length).u32(entry.data.length);
    }
    const centralExtra = zip64
      ? new Out().u16(1).u16(24).u64(entry.data.length).u64(body.length).u64(offset).finish()
      : new Uint8Array(0);
    central.u32(0x02014b50).u16(0x031e).u16(needed).u16(flags).u16(method);
    central.u16(DOS_TIME).u16(DOS_DATE).u32(crc);
    if (zip64) central.u32(0xffffffff).u32(0xffffffff);
    else central.u32(body.length).u32(entry.data.length);
    central.u16(name.length).u16(centralExtra.length).u16(0).u16(0).u16(0);
    central.u32(0o100644 * 0x10000).u32(zip64 ? 0xffffffff : offset);
    central.bytes(name).bytes(centralExtra);
  }
  const cdOffset = out.size;
  const cd = central.finish();
  out.bytes(cd);
  const comment = Buffer.from(options.comment ?? "", "utf8");
  if (zip64) {
    const recordAt = out.size;
    out.u32(0x06064b50).u64(44).u16(0x031e).u16(45).u32(0).u32(0);
    out.u64(entries.length).u64(entries.length).u64(cd.length).u64(cdOffset);
    out.u32(0x07064b50).u32(0).u64(recordAt).u32(1);
    out.u32(0x06054b50).u16(0xffff).u16(0xffff).u16(0xffff).u16(0xffff);
    out.u32(0xffffffff).u32(0xffffffff).u16(comment.length).bytes(comment);
  } else {
    out.u32(0x06054b50).u16(0).u16(0).u16(entries.length).u16(entries.length);
    out.u32(cd.length).u32(cdOffset).u16(comment.length).bytes(comment);
  }
  return out.finish();
}
