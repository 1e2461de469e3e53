import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ByteStream, ObjectStore } from "@dg/core";
import { CancelledError } from "@dg/core";
import { createDirObjectStore } from "@dg/s3/dir";
import { seededBytes } from "@dg/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { concat } from "../test/memory-client.js";
import {
  createClient,
  type DeltaGliderClient,
  hasCode,
  type MigrationEvent,
  type MigrationPlan,
} from "./index.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const base = seededBytes("migrate-base", 60_000);
const release = (i: number) => concat(base, seededBytes(`migrate-${i}`, 500 + i));

/**
 * Holds writes to one bucket, for tests that must catch a migration with a file in flight:
 * while holding, a write into `bucket` whose key `match` accepts sends its first chunk and then
 * waits, mid-object, until `release()` (or until its signal aborts: the write then fails as a
 * cancelled upload does). Every write into the bucket is recorded, so a test can tell which
 * files were started.
 */
function holdingStore(inner: ObjectStore, bucket: string) {
  let match: ((key: string) => boolean) | undefined;
  let release: () => void = () => {};
  let released = Promise.resolve();
  const arrivals: ((key: string) => void)[] = [];
  const writes: string[] = [];
  async function* held(body: ByteStream | Uint8Array, signal: AbortSignal | undefined) {
    const chunks = body instanceof Uint8Array ? [body] : body;
    let first = true;
    for await (const chunk of chunks) {
      yield chunk;
      if (first) {
        first = false;
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(new CancelledError("Upload cancelled"));
          if (signal?.aborted) onAbort();
          signal?.addEventListener("abort", onAbort, { once: true });
          void released.then(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          });
        });
      }
    }
  }
  const store: ObjectStore = Object.create(inner) as ObjectStore;
  Object.assign(store, {
    putObject(b: string, key: string, body: ByteStream | Uint8Array, options = {}) {
      if (b !== bucket) return inner.putObject(b, key, body, options);
      writes.push(key);
      if (match === undefined || !match(key)) return inner.putObject(b, key, body, options);
      arrivals.shift()?.(key);
      const signal = (options as { signal?: AbortSignal }).signal;
      return inner.putObject(b, key, held(body, signal), options);
    },
  });
  return {
    store,
    writes,
    /** Hold the writes whose key `accepts` (default: every one) from now on. */
    hold(accepts: (key: string) => boolean = () => true) {
      match = accepts;
      released = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    /** Let the held writes go on, and hold no more. */
    release() {
      match = undefined;
      release();
    },
    /** The key of the next held write (ask before it happens). */
    nextHeld: () => new Promise<string>((resolve) => arrivals.push(resolve)),
  };
}

/** Read a migration's events one by one, waiting for the ones a test expects. */
function reader(events: AsyncIterable<MigrationEvent>) {
  const iterator = events[Symbol.asyncIterator]();
  const seen: MigrationEvent[] = [];
  return {
    seen,
    async next(): Promise<MigrationEvent | undefined> {
      const step = await iterator.next();
      if (step.done) return undefined;
      seen.push(step.value);
      return step.value;
    },
    /** Read until an event matches; the events read on the way are returned with it. */
    async until(match: (event: MigrationEvent) => boolean): Promise<MigrationEvent[]> {
      const from = seen.length;
      for (;;) {
        const event = await this.next();
        if (event === undefined) throw new Error("the events ended first");
        if (match(event)) return seen.slice(from);
      }
    },
    async rest(): Promise<MigrationEvent[]> {
      const from = seen.length;
      while ((await this.next()) !== undefined);
      return seen.slice(from);
    },
  };
}

let root: string;
let plain: ObjectStore;
let holder: ReturnType<typeof holdingStore>;
let client: DeltaGliderClient;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "dg-sdk-migrate-"));
  plain = createDirObjectStore({ root });
  await plain.createBucket("legacy");
  await plain.createBucket("compact");
  // A plain S3 prefix: release zips and a checksum file, stored whole without metadata.
  for (let i = 0; i < 5; i++) {
    await plain.putObject("legacy", `releases/app-${i}.zip`, release(i), {});
  }
  await plain.putObject("legacy", "releases/SHA256SUMS.txt", new TextEncoder().encode("sums"), {});
  await plain.putObject("legacy", "releases/tmp/junk.zip", release(9), {});
  holder = holdingStore(plain, "compact");
  client = createClient({
    env: {},
    store: holder.store,
    cacheBackend: "memory",
    logger: { log() {} },
  });
});
afterEach(async () => {
  client.destroy();
  await rm(root, { recursive: true, force: true });
});

async function planAll(): Promise<MigrationPlan> {
  return client.planMigration("s3://legacy/releases/", "s3://compact/releases/", {
    filter: (key) => !key.startsWith("tmp/"),
  });
}

async function readBack(key: string): Promise<string> {
  const { Body } = await client.getObject({ Bucket: "compact", Key: key });
  return sha(await Body.transformToByteArray());
}

describe("planMigration", () => {
  it("lists the files to copy in key order, filtered, and refuses overlapping prefixes", async () => {
    const plan = await planAll();
    expect(plan.source).toEqual({ bucket: "legacy", key: "releases/" });
    expect(plan.destination).toEqual({ bucket: "compact", key: "releases/" });
    expect(plan.files.map((f) => f.key)).toEqual([
      "SHA256SUMS.txt",
      "app-0.zip",
      "app-1.zip",
      "app-2.zip",
      "app-3.zip",
      "app-4.zip",
    ]);
    expect(plan.files[1]).toEqual({
      key: "app-0.zip",
      source: { bucket: "legacy", key: "releases/app-0.zip" },
      destination: { bucket: "compact", key: "releases/app-0.zip" },
      size: release(0).length,
    });
    expect(plan.bytes).toBe(plan.files.reduce((sum, f) => sum + f.size, 0));
    expect(plan.skipped).toBe(0);
    const overlap = await client
      .planMigration("s3://legacy/releases/", "s3://legacy/releases/inside/")
      .catch((error: unknown) => error);
    expect(hasCode(overlap, "INVALID_ARGUMENT")).toBe(true);
  });

  it("with a shard, takes that shard's files only: N shards split the plan exactly", async () => {
    const whole = (await planAll()).files.map((f) => f.key);
    const shards = await Promise.all(
      [0, 1, 2].map((index) =>
        client.planMigration("s3://legacy/releases/", "s3://compact/releases/", {
          filter: (key) => !key.startsWith("tmp/"),
          shard: { index, count: 3 },
        }),
      ),
    );
    const keys = shards.flatMap((plan) => plan.files.map((f) => f.key));
    expect([...keys].sort()).toEqual([...whole].sort());
    expect(new Set(keys).size).toBe(keys.length);
    for (const plan of shards) expect(plan.inAllShards).toBe(whole.length);
    expect(shards.filter((plan) => plan.files.length > 0).length).toBeGreaterThan(1);
  });
});

describe("migrate", () => {
  it("reports every step as a typed event, with how each file was stored and why whole", async () => {
    const plan = await planAll();
    const migration = client.migrate(plan, { concurrency: 1 });
    const events: MigrationEvent[] = [];
    for await (const event of migration) events.push(event);
    expect(events[0]).toEqual({ type: "planned", files: 6, bytes: plan.bytes, skipped: 0 });
    const done = events.filter((e) => e.type === "file-done");
    expect(done.map((e) => [e.file.key, e.storageType, e.directReason])).toEqual([
      ["SHA256SUMS.txt", "direct", "not-eligible"],
      ["app-0.zip", "reference", undefined],
      ["app-1.zip", "delta", undefined],
      ["app-2.zip", "delta", undefined],
      ["app-3.zip", "delta", undefined],
      ["app-4.zip", "delta", undefined],
    ]);
    for (const [index, file] of plan.files.entries()) {
      const own = events.filter((e) => "index" in e && e.index === index).map((e) => e.type);
      // Started, some progress, then done: in that order.
      expect(own[0]).toBe("file-started");
      expect(own.at(-1)).toBe("file-done");
      expect(own.slice(1, -1).every((type) => type === "progress")).toBe(true);
      const progress = events.filter((e) => e.type === "progress" && e.index === index);
      // Each byte is counted once, never more than the file holds.
      const last = progress.at(-1);
      expect(last?.type === "progress" && last.fileBytesDone).toBeLessThanOrEqual(file.size);
      expect(last?.type === "progress" && last.fileBytesDone).toBeGreaterThan(0);
    }
    const last = events.at(-1);
    expect(last?.type).toBe("done");
    const result = await migration.result;
    expect(last).toEqual({ type: "done", result });
    expect(result).toMatchObject({
      migrated: 6,
      failed: 0,
      skipped: 0,
      notStarted: 0,
      stopped: false,
      originalBytes: plan.bytes,
      direct: { "not-eligible": 1 },
      failures: [],
    });
    expect(result.storedBytes).toBeLessThan(plan.bytes / 2);
    for (let i = 0; i < 5; i++)
      expect(await readBack(`releases/app-${i}.zip`)).toBe(sha(release(i)));
    // The plan of a second run finds every file there.
    const again = await planAll();
    expect(again.files).toEqual([]);
    expect(again.skipped).toBe(6);
  });

  it("reports a file that fails and goes on with the others", async () => {
    const plan = await planAll();
    // The source file is gone once planned: its copy fails, the others succeed.
    await plain.deleteObject("legacy", "releases/app-2.zip");
    const migration = client.migrate(plan, { concurrency: 2 });
    const events: MigrationEvent[] = [];
    for await (const event of migration) events.push(event);
    const failed = events.filter((e) => e.type === "file-failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ index: 3, file: { key: "app-2.zip" } });
    expect(failed[0]?.type === "file-failed" && hasCode(failed[0].error, "NOT_FOUND")).toBe(true);
    const result = await migration.result;
    expect(result).toMatchObject({ migrated: 5, failed: 1, notStarted: 0, stopped: false });
    expect(result.failures.map((f) => f.file.key)).toEqual(["app-2.zip"]);
  });

  it("starts no file while paused (the running one finishes), and goes on when resumed", async () => {
    const plan = await planAll();
    holder.hold();
    const firstWrite = holder.nextHeld();
    const migration = client.migrate(plan, { concurrency: 1 });
    const events = reader(migration);
    await events.until((e) => e.type === "file-started" && e.index === 0);
    // The first file is in the middle of its upload.
    expect(await firstWrite).toBe("releases/SHA256SUMS.txt");
    migration.pause();
    expect(migration.paused).toBe(true);
    holder.release();
    const untilDone = await events.until((e) => e.type === "file-done");
    expect(untilDone.map((e) => e.type)).toEqual(expect.arrayContaining(["paused", "file-done"]));
    // Paused with nothing running: the destination holds the one file, and no other started.
    const listed = await client.listObjectsV2({ Bucket: "compact", Prefix: "releases/" });
    expect(listed.Contents.map((o) => o.Key)).toEqual(["releases/SHA256SUMS.txt"]);
    expect(holder.writes).toEqual(["releases/SHA256SUMS.txt"]);
    migration.resume();
    expect(migration.paused).toBe(false);
    // In order: nothing started between the pause and the resume.
    const next = await events.until((e) => e.type === "file-started");
    expect(next.map((e) => e.type)).toEqual(["resumed", "file-started"]);
    expect(next[1]).toMatchObject({ index: 1, file: { key: "app-0.zip" } });
    await events.rest();
    expect(await migration.result).toMatchObject({ migrated: 6, stopped: false, notStarted: 0 });
  });

  it("can start paused (to confirm a plan first), and stops on stop() without starting a file", async () => {
    const plan = await planAll();
    const migration = client.migrate(plan, { paused: true });
    const events = reader(migration);
    expect((await events.until((e) => e.type === "paused")).map((e) => e.type)).toEqual([
      "planned",
      "paused",
    ]);
    migration.stop();
    expect(migration.stopping).toBe("after-running");
    expect((await events.rest()).map((e) => e.type)).toEqual(["stopping", "done"]);
    expect(await migration.result).toMatchObject({
      migrated: 0,
      notStarted: 6,
      stopped: true,
    });
    expect(holder.writes).toEqual([]);
  });

  it("on stop(), lets the running files finish and starts no other", async () => {
    const plan = await planAll();
    holder.hold();
    const held = [holder.nextHeld(), holder.nextHeld()];
    const migration = client.migrate(plan, { concurrency: 2 });
    const events = reader(migration);
    // Two files in the middle of their uploads.
    expect((await Promise.all(held)).sort()).toEqual([
      "releases/SHA256SUMS.txt",
      "releases/reference.bin",
    ]);
    migration.stop();
    expect(migration.stopping).toBe("after-running");
    holder.release();
    const all = [...events.seen, ...(await events.rest())];
    const stopAt = all.findIndex((e) => e.type === "stopping");
    expect(all[stopAt]).toEqual({ type: "stopping", mode: "after-running" });
    expect(all.slice(stopAt).filter((e) => e.type === "file-started")).toEqual([]);
    const finished = all.filter((e) => e.type === "file-done").map((e) => e.file.key);
    expect(finished.sort()).toEqual(["SHA256SUMS.txt", "app-0.zip"]);
    const result = await migration.result;
    expect(result).toMatchObject({ migrated: 2, failed: 0, notStarted: 4, stopped: true });
    expect(holder.writes).not.toContain("releases/app-1.zip.delta");
  });

  it("on abort(), cancels the running file mid-upload, leaves nothing half-written, and a rerun resumes", async () => {
    const plan = await planAll();
    // Let two files through, and catch the third in the middle of its upload.
    holder.hold((key) => key === "releases/app-1.zip.delta");
    const caught = holder.nextHeld();
    const first = client.migrate(plan, { concurrency: 1 });
    const events = reader(first);
    expect(await caught).toBe("releases/app-1.zip.delta");
    first.abort();
    const rest = (await events.rest()).filter((e) => e.type !== "progress");
    const stopAt = rest.findIndex((e) => e.type === "stopping");
    expect(rest[stopAt]).toEqual({ type: "stopping", mode: "now" });
    expect(rest.slice(stopAt).map((e) => e.type)).toEqual(["stopping", "done"]);
    expect(events.seen.filter((e) => e.type === "file-started")).toHaveLength(3);
    const result = await first.result;
    // The cancelled file is neither migrated nor failed.
    expect(result).toMatchObject({ migrated: 2, failed: 0, notStarted: 4, stopped: true });
    holder.release();
    // Nothing of app-1.zip: no delta (and no temporary file of the store).
    const stored = await plain.listObjects("compact", { prefix: "releases/" });
    expect(stored.objects.map((o) => o.key).sort()).toEqual([
      "releases/SHA256SUMS.txt",
      "releases/app-0.zip.delta",
      "releases/reference.bin",
    ]);
    const files = (await readdir(join(root, "compact"), { recursive: true })).map(String);
    expect(files.filter((name) => name.includes(".dg-tmp-") || name.includes("app-1"))).toEqual([]);
    // Running the plan again resumes: what is there is skipped, the rest is copied.
    const again = await planAll();
    expect(again.skipped).toBe(2);
    expect(again.files.map((f) => f.key)).toEqual([
      "app-1.zip",
      "app-2.zip",
      "app-3.zip",
      "app-4.zip",
    ]);
    const second = client.migrate(again);
    expect(await second.result).toMatchObject({ migrated: 4, failed: 0, stopped: false });
    for (let i = 0; i < 5; i++)
      expect(await readBack(`releases/app-${i}.zip`)).toBe(sha(release(i)));
  });

  it("aborts when its signal aborts", async () => {
    const plan = await planAll();
    holder.hold();
    const held = holder.nextHeld();
    const controller = new AbortController();
    const migration = client.migrate(plan, { signal: controller.signal });
    const events = reader(migration);
    await held;
    controller.abort();
    await events.rest();
    expect(migration.stopping).toBe("now");
    expect(await migration.result).toMatchObject({ migrated: 0, stopped: true, notStarted: 6 });
    expect(events.seen.filter((e) => e.type === "file-done")).toEqual([]);
    holder.release();
  });

  it("keeps every event for a reader that comes late, merging progress, and is read once", async () => {
    const plan = await planAll();
    const migration = client.migrate(plan, { concurrency: 3 });
    const result = await migration.result;
    const events: MigrationEvent[] = [];
    for await (const event of migration) events.push(event);
    expect(events.filter((e) => e.type === "file-done")).toHaveLength(6);
    expect(events.at(-1)).toEqual({ type: "done", result });
    // Progress of a file merged while nobody read: at most one event per file here.
    for (const [index, file] of plan.files.entries()) {
      const progress = events.filter((e) => e.type === "progress" && e.index === index);
      expect(progress.length).toBeLessThanOrEqual(1);
      const total = progress.reduce((sum, e) => sum + (e.type === "progress" ? e.bytes : 0), 0);
      expect(total).toBe(progress[0]?.type === "progress" ? progress[0].fileBytesDone : 0);
      expect(total).toBeLessThanOrEqual(file.size);
    }
    expect(() => migration[Symbol.asyncIterator]()).toThrow(/read only once/);
    const invalid = (() => {
      try {
        client.migrate(plan, { concurrency: 0 });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(hasCode(invalid, "INVALID_ARGUMENT")).toBe(true);
  });
});
