import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { seededBytes as seeded } from "../../test/seeded.js";
import { failingDeletes } from "../memory/failing-deletes.js";
import { createMemoryObjectStore } from "../memory/memory-object-store.js";
import { parseExpiry } from "./expiry.js";
import {
  deleteStoredKeys,
  SET_ASIDE_GRACE_MS,
  scanSetAsideReferences,
  scanTempFiles,
  stillUnchanged,
} from "./purge.js";

const signal = new AbortController().signal;
/** Seeded bytes named by a label (the core's generator takes a number). */
const seededBytes = (label: string, length: number) =>
  seeded(
    [...label].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7),
    length,
  );
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("parseExpiry", () => {
  it("reads the Python tool's forms, naive ones as UTC", () => {
    const cases: [string, string][] = [
      ["2026-11-25T16:25:14.657329", "2026-11-25T16:25:14.657Z"],
      ["2026-11-25T16:25:14", "2026-11-25T16:25:14.000Z"],
      ["2026-11-25T16:25:14Z", "2026-11-25T16:25:14.000Z"],
      ["2026-11-25T16:25:14.5+00:00", "2026-11-25T16:25:14.500Z"],
      ["2026-11-25T18:25:14+02:00", "2026-11-25T16:25:14.000Z"],
      ["2026-11-25T11:55:14-0430", "2026-11-25T16:25:14.000Z"],
      ["2026-11-25 16:25", "2026-11-25T16:25:00.000Z"],
    ];
    for (const [text, iso] of cases) expect(parseExpiry(text)?.toISOString(), text).toBe(iso);
  });

  it("refuses what is not a timestamp", () => {
    for (const text of [
      "",
      "tomorrow",
      "2026-02-31T00:00:00",
      "2026-11-25T24:00:00",
      "1700000000",
    ]) {
      expect(parseExpiry(text), text).toBeUndefined();
    }
  });
});

describe("scanTempFiles", () => {
  it("finds the expired temp files whatever their timestamp form, and nothing outside tmp/", async () => {
    const store = createMemoryObjectStore({ buckets: ["b"] });
    const put = (key: string, metadata: Record<string, string>, size = 10) =>
      store.putObject("b", key, seededBytes(key, size), { metadata });
    await put(
      ".deltaglider/tmp/aa_old.zip",
      { "dg-expires-at": "2026-11-25T11:59:59.999999" },
      100,
    );
    await put(
      ".deltaglider/tmp/bb_aware.zip",
      { "dg-expires-at": "2026-11-25T13:30:00+02:00" },
      20,
    );
    await put(".deltaglider/tmp/cc_live.zip", { "dg-expires-at": "2026-11-25T12:00:01" });
    await put(".deltaglider/tmp/dd_live.zip", { "dg-expires-at": "2026-11-25T14:00:00+01:00" });
    await put(".deltaglider/tmp/ee_undated.zip", {});
    await put(".deltaglider/tmp/ff_bad.zip", { "dg-expires-at": "soon" });
    await put(".deltaglider/stats.json", { "dg-expires-at": "2000-01-01T00:00:00" });
    await put("app/x.zip", { "dg-expires-at": "2000-01-01T00:00:00" });
    const scan = await scanTempFiles(store, "b", new Date("2026-11-25T12:00:00Z"), signal);
    expect(scan.expired).toEqual([
      { key: ".deltaglider/tmp/aa_old.zip", size: 100, expiresAt: "2026-11-25T11:59:59.999999" },
      { key: ".deltaglider/tmp/bb_aware.zip", size: 20, expiresAt: "2026-11-25T13:30:00+02:00" },
    ]);
    expect(scan.live).toBe(2);
    expect(scan.undated).toEqual([
      ".deltaglider/tmp/ee_undated.zip",
      ".deltaglider/tmp/ff_bad.zip",
    ]);
  });
});

describe("scanSetAsideReferences", () => {
  const v1 = seededBytes("v1", 1000);
  const v2 = seededBytes("v2", 1000);
  const old = new Date("2026-11-25T10:00:00Z");
  const now = new Date(old.getTime() + SET_ASIDE_GRACE_MS + 1);

  async function bucketWith() {
    let clock = old;
    const store = createMemoryObjectStore({ buckets: ["b"], now: () => clock });
    const reference = (key: string, bytes: Uint8Array) =>
      store.putObject("b", key, bytes, {
        metadata: { "dg-file-sha256": sha(bytes), "dg-note": "reference" },
      });
    const delta = (key: string, ref: Uint8Array) =>
      store.putObject("b", key, seededBytes(key, 5), {
        metadata: {
          "dg-file-sha256": sha(seededBytes(`${key}-file`, 5)),
          "dg-ref-key": `${key.slice(0, key.lastIndexOf("/"))}/reference.bin`,
          "dg-ref-sha256": sha(ref),
        },
      });
    return { store, reference, delta, setClock: (d: Date) => (clock = d) };
  }

  it("removes a copy whose reference is present again, or that no delta names", async () => {
    const { store, reference, delta } = await bucketWith();
    await reference("a/reference.bin", v1);
    await delta("a/x.zip.delta", v1);
    await store.putObject("b", `.deltaglider/trash/${sha(v1)}`, v1);
    await store.putObject("b", `.deltaglider/trash/${sha(v2)}`, v2);
    const scan = await scanSetAsideReferences(store, "b", now, signal);
    expect(scan.removable.map((r) => r.key).sort()).toEqual(
      [`.deltaglider/trash/${sha(v1)}`, `.deltaglider/trash/${sha(v2)}`].sort(),
    );
    expect(scan.kept).toEqual([]);
  });

  it("keeps a copy a delta needs (its reference.bin missing or different), a young one, a badly named one", async () => {
    const { store, reference, delta, setClock } = await bucketWith();
    await delta("a/x.zip.delta", v1); // a/reference.bin missing
    await reference("c/reference.bin", v1);
    await delta("c/y.zip.delta", v2); // c/reference.bin holds another file
    await store.putObject("b", `.deltaglider/trash/${sha(v1)}`, v1);
    await store.putObject("b", `.deltaglider/trash/${sha(v2)}`, v2);
    await store.putObject("b", ".deltaglider/trash/unknown", v2);
    setClock(new Date(now.getTime() - 1000));
    await store.putObject("b", `.deltaglider/trash/${"0".repeat(64)}`, v2);
    const scan = await scanSetAsideReferences(store, "b", now, signal);
    expect(scan.removable).toEqual([]);
    expect(Object.fromEntries(scan.kept.map((k) => [k.key, k.reason]))).toEqual({
      [`.deltaglider/trash/${sha(v1)}`]: "deltas need it and their reference.bin is missing",
      [`.deltaglider/trash/${sha(v2)}`]: "deltas need it and their reference.bin is missing",
      ".deltaglider/trash/unknown": "not named by a SHA-256",
      [`.deltaglider/trash/${"0".repeat(64)}`]: "set aside less than an hour ago",
    });
  });

  it("reads nothing else when no reference is set aside", async () => {
    const { store, delta } = await bucketWith();
    await delta("a/x.zip.delta", v1);
    let heads = 0;
    const counting = {
      ...store,
      headObject: (...args: Parameters<typeof store.headObject>) => {
        heads += 1;
        return store.headObject(...args);
      },
    };
    expect(await scanSetAsideReferences(counting, "b", now, signal)).toEqual({
      removable: [],
      kept: [],
    });
    expect(heads).toBe(0);
  });

  it("a copy rewritten after the scan is no longer unchanged", async () => {
    const { store, setClock } = await bucketWith();
    await store.putObject("b", `.deltaglider/trash/${sha(v1)}`, v1);
    const [found] = (await scanSetAsideReferences(store, "b", now, signal)).removable;
    if (!found) throw new Error("expected a removable copy");
    expect(await stillUnchanged(store, "b", found, signal)).toBe(true);
    setClock(now);
    await store.putObject("b", found.key, v1);
    expect(await stillUnchanged(store, "b", found, signal)).toBe(false);
  });
});

describe("deleteStoredKeys", () => {
  it("deletes every key but the failing ones, and reports those", async () => {
    const inner = createMemoryObjectStore({ buckets: ["b"] });
    const keys = Array.from({ length: 1203 }, (_, i) => `.deltaglider/tmp/${i}_f.zip`);
    for (const key of keys) await inner.putObject("b", key, new Uint8Array(1));
    const store = failingDeletes(inner, [keys[7] as string, keys[1100] as string]);
    const result = await deleteStoredKeys(store, "b", keys, signal);
    expect(result.deleted).toHaveLength(1201);
    expect(result.errors.map((e) => e.key)).toEqual([keys[7], keys[1100]]);
    const left = await inner.listObjects("b", {});
    expect(left.objects.map((o) => o.key).sort()).toEqual([keys[1100], keys[7]].sort());
  });
});
