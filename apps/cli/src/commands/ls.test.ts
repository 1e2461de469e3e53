import { EventEmitter } from "node:events";
import { Readable } from "node:stream";
import type { DeltaGliderClient, ListedObject } from "@dg/sdk";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli.js";
import type { CliIo } from "../lib/io.js";
import { commands } from "./index.js";

/**
 * Standard output as a pipe to a slow reader: writes are buffered, `write` says false once
 * the buffer holds `highWaterMark` bytes, and the reader empties it only when the writer
 * waits for `drain` (never on a timer). Records the most it ever held.
 */
function slowStdout(highWaterMark: number) {
  const events = new EventEmitter();
  let buffered = 0;
  let most = 0;
  let lines = 0;
  let waits = 0;
  const stream = {
    isTTY: false,
    write(chunk: string) {
      buffered += Buffer.byteLength(chunk);
      lines += chunk.split("\n").length - 1;
      most = Math.max(most, buffered);
      return buffered < highWaterMark;
    },
    on(event: string, listener: () => void) {
      events.on(event, listener);
      if (event === "drain") {
        waits += 1;
        // The reader gets to it after the writer has started waiting.
        setImmediate(() => {
          buffered = 0;
          events.emit("drain");
        });
      }
      return stream;
    },
    off(event: string, listener: () => void) {
      events.off(event, listener);
      return stream;
    },
  };
  return {
    stream,
    stats: () => ({ most, lines, waits }),
  };
}

describe("ls -r and a slow reader of its output", () => {
  it("holds the listing back while stdout is full: what it buffers stays bounded", async () => {
    const total = 60_000;
    let pulled = 0;
    let mostAhead = 0;
    const stdout = slowStdout(16 * 1024);
    // A listing as long as the reader lets it be: records how far ahead of the printed lines
    // the command pulled objects.
    async function* listing(): AsyncGenerator<ListedObject> {
      for (let i = 0; i < total; i += 1) {
        pulled += 1;
        mostAhead = Math.max(mostAhead, pulled - stdout.stats().lines);
        yield {
          Key: `folder-${String(i % 100).padStart(3, "0")}/file-${String(i).padStart(6, "0")}.zip`,
          Size: 1_000_000 + i,
          LastModified: new Date("2026-12-01T00:00:00Z"),
          DeltaGliderInfo: { StoredKey: `f${i}`, StoredSize: 100, IsDelta: true },
        };
      }
    }
    const client = {
      listAllObjects: () => listing(),
      destroy() {},
    } as unknown as DeltaGliderClient;
    const io: CliIo = {
      stdout: stdout.stream,
      stderr: { write: () => true, isTTY: false },
      stdin: Readable.from([]),
      env: {},
      cwd: process.cwd(),
      signal: new AbortController().signal,
    };
    const code = await runCli(["ls", "-r", "s3://bkt/"], io, {
      commands,
      createClient: () => client,
    });
    expect(code).toBe(0);
    const { most, lines, waits } = stdout.stats();
    expect(lines).toBe(total);
    // The whole listing is about 4 MB of lines; it waited for the reader many times and never
    // held more than its buffer and one block of lines (about 64 KiB) at once.
    expect(waits).toBeGreaterThan(20);
    expect(most).toBeLessThan(16 * 1024 + 80 * 1024);
    expect(mostAhead).toBeLessThan(2_000);
  });
});
