// Minimal archive writers for the benchmark corpus: ZIP (stored or deflated entries) and
// POSIX ustar. Enough structure to look like real release archives to a delta encoder.
import { crc32, deflateRawSync } from "node:zlib";

/** DOS date and time fields of a Unix time in seconds (UTC). */
function dosDateTime(seconds) {
  const d = new Date(seconds * 1000);
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
  const date = ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  return { time, date };
}

/**
 * Write a ZIP archive of `entries` ({ name, data, mtime, deflate }) through `write(bytes)`.
 * Returns the archive size.
 */
export function writeZip(entries, write) {
  let offset = 0;
  const central = [];
  const put = (bytes) => {
    write(bytes);
    offset += bytes.length;
  };
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const body = entry.deflate ? deflateRawSync(entry.data, { level: 6 }) : entry.data;
    const crc = crc32(entry.data);
    const { time, date } = dosDateTime(entry.mtime);
    const method = entry.deflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const localOffset = offset;
    put(local);
    put(name);
    put(body);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(0x031e, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(0, 8);
    record.writeUInt16LE(method, 10);
    record.writeUInt16LE(time, 12);
    record.writeUInt16LE(date, 14);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(body.length, 20);
    record.writeUInt32LE(entry.data.length, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    record.writeUInt32LE(localOffset, 42);
    central.push(record, name);
  }
  const centralStart = offset;
  for (const part of central) put(part);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(offset - centralStart, 12);
  end.writeUInt32LE(centralStart, 16);
  put(end);
  return offset;
}

function octal(value, width) {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/** Write a POSIX ustar archive of `entries` ({ name, data, mtime }). Returns its size. */
export function writeTar(entries, write) {
  let size = 0;
  for (const entry of entries) {
    const header = Buffer.alloc(512);
    header.write(entry.name.slice(0, 100), 0, "utf8");
    header.write(octal(0o644, 8), 100, "ascii");
    header.write(octal(1000, 8), 108, "ascii");
    header.write(octal(1000, 8), 116, "ascii");
    header.write(octal(entry.data.length, 12), 124, "ascii");
    header.write(octal(entry.mtime, 12), 136, "ascii");
    header.write("        ", 148, "ascii");
    header.write("0", 156, "ascii");
    header.write("ustar\0", 257, "ascii");
    header.write("00", 263, "ascii");
    header.write("builder", 265, "ascii");
    header.write("builder", 297, "ascii");
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
    write(header);
    write(entry.data);
    const pad = (512 - (entry.data.length % 512)) % 512;
    if (pad > 0) write(Buffer.alloc(pad));
    size += 512 + entry.data.length + pad;
  }
  write(Buffer.alloc(1024));
  return size + 1024;
}
