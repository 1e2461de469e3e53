import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bodyOf, collectBytes, concat, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { TEMP_PREFIX } from "../domain/internal-folder.js";
import { parseExpiry } from "../domain/expiry.js";
import { createManualClock } from "../memory/clock-and-logger.js";
import { createPrefixCodec } from "../memory/prefix-codec.js";
import type { DeltaCodec } from "../ports/delta-codec.js";
import { REHYDRATION_REUSE_MARGIN_MS } from "./rehydrate.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const v1 = seededBytes(41, 60_000);
const v2 = concat(v1, seededBytes(42, 3_000));
const START = new Date("2026-11-25T12:00:00.000Z");

/** A codec that counts its decodes: a reused copy rebuilds nothing. */
function countingCodec(): DeltaCodec & { decodes: number } {
  const inner = createPrefixCodec();
  const codec = {
    name: inner.name,
    decodes: 0,
    encode: inner.encode,
    decode(...args: Parameters<DeltaCodec["decode"]>) {
      codec.decodes += 1;
      return inner.decode(...args);
    },
  };
  return codec;
}

async function setup() {
  const clock = createManualClock(START);
  const codec = countingCodec();
  const made = makeService({ clock, codec });
  await made.service.put("bkt", "rel/app-1.zip", bodyOf(v1));
  await made.service.put("bkt", "rel/app-2.zip", bodyOf(v2), { contentType: "application/zip" });
  await made.service.put("bkt", "rel/notes.txt", bodyOf(seededBytes(43, 500)));
  codec.decodes = 0;
  return { ...made, clock, codec };
}

describe("DeltaService.rehydrate", () => {
  it("rebuilds a delta into .deltaglider/tmp/<32 hex>_<name> with the Python tool's metadata", async () => {
    const { service, store } = await setup();
    const result = await service.rehydrate("bkt", "rel/app-2.zip", { expiresIn: 600 });
    if (result.kind !== "rehydrated") throw new Error(`expected a copy, got ${result.kind}`);
    expect(result.reused).toBe(false);
    expect(result.tempKey).toMatch(/^\.deltaglider\/tmp\/[0-9a-f]{32}_app-2\.zip$/);
    expect(result.expiresAt.toISOString()).toBe("2026-11-25T12:10:00.000Z");
    const copy = await store.getObject("bkt", result.tempKey);
    expect(sha(await collectBytes(copy.body))).toBe(sha(v2));
    expect(copy.info.contentType).toBe("application/zip");
    expect(copy.info.metadata).toMatchObject({
      "dg-expires-at": "2026-11-25T12:10:00",
      "dg-original-key": "rel/app-2.zip.delta",
      "dg-original-filename": "app-2.zip",
      "dg-rehydrated": "true",
      "dg-created-at": "2026-11-25T12:00:00",
      "dg-file-sha256": sha(v2),
      "dg-file-size": String(v2.length),
    });
  });

  it("needs no copy for an object stored as it is", async () => {
    const { service, store } = await setup();
    const result = await service.rehydrate("bkt", "rel/notes.txt", { expiresIn: 600 });
    expect(result.kind).toBe("stored");
    expect(result.info.storedKey).toBe("rel/notes.txt");
    expect((await store.listObjects("bkt", { prefix: TEMP_PREFIX })).objects).toEqual([]);
  });

  it("reuses a live copy of the same version, pushing its expiry out, without rebuilding", async () => {
    const { service, store, clock, codec } = await setup();
    const first = await service.rehydrate("bkt", "rel/app-2.zip", { expiresIn: 600 });
    expect(codec.decodes).toBe(1);
    clock.advance(100_000);
    const second = await service.rehydrate("bkt", "rel/app-2.zip", { expiresIn: 600 });
    expect(codec.decodes).toBe(1);
    if (first.kind !== "rehydrated" || second.kind !== "rehydrated") throw new Error("no copy");
    expect(second).toMatchObject({ reused: true, tempKey: first.tempKey });
    expect(second.expiresAt.toISOString()).toBe("2026-11-25T12:11:40.000Z");
    const head = await store.headObject("bkt", first.tempKey);
    expect(parseExpiry(head?.metadata["dg-expires-at"] ?? "")?.toISOString()).toBe(
      "2026-11-25T12:11:40.000Z",
    );
    // A shorter link within the copy's life leaves the later expiry alone.
    const third = await service.rehydrate("bkt", "rel/app-2.zip", { expiresIn: 60 });
    expect(third).toMatchObject({ kind: "rehydrated", reused: true });
    if (third.kind === "rehydrated") {
      expect(third.expiresAt.toISOString()).toBe("2026-11-25T12:11:40.000Z");
    }
    expect(codec.decodes).toBe(1);
  });

  it("rebuilds a copy that has expired, or is about to", async () => {
    const { service, store, clock, codec } = await setup();
    const first = await service.rehydrate("bkt", "rel/app-2.zip", { expiresIn: 600 });
    clock.advance(600_000 - REHYDRATION_REUSE_MARGIN_MS + 1);
    const second = await service.rehydrate("bkt", "rel/app-2.zip", { expiresIn: 600 });
    expect(second).toMatchObject({ kind: "rehydrated", reused: false });
    expect(codec.decodes).toBe(2);
    if (first.kind === "rehydrated" && second.kind === "rehydrated") {
      expect(second.tempKey).toBe(first.tempKey);
      expect(second.expiresAt.getTime()).toBe(clock.now().getTime() + 600_000);
      const head = await store.headObject("bkt", second.tempKey);
      expect(head?.metadata["dg-expires-at"]).toBe("2026-11-25T12:19:00.001000");
    }
  });

  it("gives a new version of the file a copy of its own", async () => {
    const { service } = await setup();
    const before = await service.rehydrate("bkt", "rel/app-2.zip", { expiresIn: 600 });
    await service.put("bkt", "rel/app-2.zip", bodyOf(concat(v1, seededBytes(44, 10))));
    const after = await service.rehydrate("bkt", "rel/app-2.zip", { expiresIn: 600 });
    if (before.kind !== "rehydrated" || after.kind !== "rehydrated") throw new Error("no copy");
    expect(after.reused).toBe(false);
    expect(after.tempKey).not.toBe(before.tempKey);
  });

  it("does not take a copy whose metadata names another version", async () => {
    const { service, store, codec } = await setup();
    const first = await service.rehydrate("bkt", "rel/app-2.zip", { expiresIn: 600 });
    if (first.kind !== "rehydrated") throw new Error("no copy");
    // Planted: same key, but the bytes of something else (a Python-style copy has no SHA-256).
    await store.putObject("bkt", first.tempKey, seededBytes(45, 10), {
      metadata: { "dg-expires-at": "2026-11-26T00:00:00" },
    });
    const second = await service.rehydrate("bkt", "rel/app-2.zip", { expiresIn: 600 });
    expect(second).toMatchObject({ kind: "rehydrated", reused: false });
    expect(codec.decodes).toBe(2);
    const copy = await store.getObject("bkt", first.tempKey);
    expect(sha(await collectBytes(copy.body))).toBe(sha(v2));
  });

  it("refuses an expiry that is not a whole number of seconds, and a missing object", async () => {
    const { service } = await setup();
    await expect(service.rehydrate("bkt", "rel/app-2.zip", { expiresIn: 0 })).rejects.toMatchObject(
      { code: "INVALID_ARGUMENT" },
    );
    await expect(service.rehydrate("bkt", "rel/nope.zip", { expiresIn: 60 })).rejects.toMatchObject(
      { code: "NOT_FOUND" },
    );
  });
});
