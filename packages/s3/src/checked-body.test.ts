import type { ByteStream } from "@dg/core";
import { hasCode } from "@dg/core";
import { describe, expect, it } from "vitest";
import { checkedBody } from "./checked-body.js";

async function* chunks(...sizes: number[]): ByteStream {
  for (const size of sizes) yield new Uint8Array(size);
}

async function drain(stream: ByteStream): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += chunk.length;
  return n;
}

const where = { bucket: "bkt", key: "k" };

describe("checkedBody", () => {
  it("passes a complete body through", async () => {
    expect(await drain(checkedBody(chunks(100, 200), 300, where))).toBe(300);
  });

  it("fails a body shorter than Content-Length with UNAVAILABLE at its end", async () => {
    const error = await drain(checkedBody(chunks(100, 400), 5000, where)).catch((e: unknown) => e);
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
    expect(String(error)).toMatch(/500 of 5000/);
  });

  it("fails a body longer than Content-Length", async () => {
    const error = await drain(checkedBody(chunks(600), 500, where)).catch((e: unknown) => e);
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
  });

  it("turns a stream error into UNAVAILABLE, or CANCELLED when the caller aborted", async () => {
    async function* broken(): ByteStream {
      yield new Uint8Array(10);
      throw new Error("Checksum mismatch: expected abc, received def");
    }
    const error = await drain(checkedBody(broken(), 100, where)).catch((e: unknown) => e);
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
    const cancelled = await drain(
      checkedBody(broken(), 100, where, { signal: AbortSignal.abort() }),
    ).catch((e: unknown) => e);
    expect(hasCode(cancelled, "CANCELLED")).toBe(true);
  });
});
