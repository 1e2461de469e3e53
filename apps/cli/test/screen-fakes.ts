import type { BucketStats, DeltaspaceObject, DeltaspaceStats, VerifyResult } from "@dg/sdk";
import type { StatsSource } from "../src/ui/explorer/source.js";

/** A fixed "now" for ages and dates in screen tests: 2026-11-25 12:00 UTC. */
export const NOW = Date.parse("2026-11-25T12:00:00.000Z");
const DAY = 86_400_000;

/** A promise with its resolve and reject exposed, for loads a test finishes when it wants. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Figures of one deltaspace. */
export function space(
  deltaspace: string,
  figures: {
    readonly objects: number;
    readonly original: number;
    readonly stored: number;
    readonly referenceAgeDays?: number;
    /** References in the folder (default: 1 when it has a reference age, else 0). */
    readonly references?: number;
    /** Stored bytes of those references, part of `stored` (default 0). */
    readonly referenceBytes?: number;
  },
): DeltaspaceStats {
  const saved = figures.original - figures.stored;
  return {
    deltaspace,
    orphanedReference: false,
    objectCount: figures.objects,
    deltaObjects: figures.objects,
    directObjects: 0,
    referenceObjects: figures.references ?? (figures.referenceAgeDays === undefined ? 0 : 1),
    originalBytes: figures.original,
    storedBytes: figures.stored,
    deltaBytes: figures.stored - (figures.referenceBytes ?? 0),
    referenceBytes: figures.referenceBytes ?? 0,
    directBytes: 0,
    savedBytes: saved,
    savingsPercent: figures.original === 0 ? 0 : (saved / figures.original) * 100,
    estimatedDeltas: 0,
    brokenDeltas: 0,
    ...(figures.referenceAgeDays === undefined
      ? {}
      : { referenceModified: new Date(NOW - figures.referenceAgeDays * DAY).toISOString() }),
  };
}

/** Bucket figures summing the deltaspaces given. */
export function bucket(name: string, spaces: readonly DeltaspaceStats[]): BucketStats {
  const total = (pick: (s: DeltaspaceStats) => number) => spaces.reduce((a, s) => a + pick(s), 0);
  const originalBytes = total((s) => s.originalBytes);
  const storedBytes = total((s) => s.storedBytes);
  return {
    bucket: name,
    prefix: "",
    mode: "quick",
    estimated: false,
    objectCount: total((s) => s.objectCount),
    deltaObjects: total((s) => s.deltaObjects),
    directObjects: total((s) => s.directObjects),
    referenceObjects: total((s) => s.referenceObjects),
    originalBytes,
    storedBytes,
    deltaBytes: total((s) => s.deltaBytes),
    referenceBytes: 0,
    directBytes: 0,
    savedBytes: originalBytes - storedBytes,
    savingsPercent: originalBytes === 0 ? 0 : ((originalBytes - storedBytes) / originalBytes) * 100,
    estimatedDeltas: 0,
    brokenDeltas: 0,
    deltaspaces: spaces,
    orphanedReferences: [],
  };
}

/**
 * The files of a release folder: `reference.bin`, `app-1.0.zip` (the zero-diff delta), then
 * deltas `app-1.1.zip` … whose stored sizes are `deltaSizes`, uploaded a day apart.
 */
export function releaseFolder(
  deltaspace: string,
  deltaSizes: readonly number[],
  fileSize = 3 * 1024 * 1024,
): DeltaspaceObject[] {
  const at = (day: number) => new Date(NOW - (deltaSizes.length + 1 - day) * DAY);
  const sha = "ab".repeat(32);
  return [
    {
      key: `${deltaspace}/reference.bin`,
      storedKey: `${deltaspace}/reference.bin`,
      storage: "reference",
      originalSize: fileSize,
      storedSize: fileSize,
      lastModified: at(0),
      sha256: sha,
      sourceName: "app-1.0.zip",
    },
    {
      key: `${deltaspace}/app-1.0.zip`,
      storedKey: `${deltaspace}/app-1.0.zip.delta`,
      storage: "delta",
      originalSize: fileSize,
      storedSize: 60,
      lastModified: at(0),
      createdAt: at(0),
      referenceSha256: sha,
      zeroDiff: true,
    },
    ...deltaSizes.map(
      (size, i): DeltaspaceObject => ({
        key: `${deltaspace}/app-1.${i + 1}.zip`,
        storedKey: `${deltaspace}/app-1.${i + 1}.zip.delta`,
        storage: "delta",
        originalSize: fileSize,
        storedSize: size,
        lastModified: at(i + 1),
        createdAt: at(i + 1),
        referenceSha256: sha,
      }),
    ),
  ];
}

/** A call the fake source received. */
export type SourceCall =
  | { readonly kind: "loadStats"; readonly refresh: boolean }
  | { readonly kind: "describe"; readonly deltaspace: string }
  | { readonly kind: "verify"; readonly key: string }
  | { readonly kind: "download"; readonly key: string; readonly path: string }
  | { readonly kind: "remove"; readonly keys: readonly string[] };

/**
 * A stats source over fixed data. Every call is recorded; `holdStats` / `holdDescribe` make
 * the next load wait for the test (to see the live count).
 */
export function fakeStatsSource(options: {
  readonly stats: BucketStats;
  readonly folders?: Readonly<Record<string, readonly DeltaspaceObject[]>>;
  readonly verify?: (key: string) => VerifyResult["status"];
}) {
  const calls: SourceCall[] = [];
  let stats = options.stats;
  const folders = new Map(Object.entries(options.folders ?? {}));
  const held: {
    stats?: { progress: (phase: "listing" | "computing", n: number) => void; done: Deferred<void> };
    describe?: { progress: (listed: number, described: number) => void; done: Deferred<void> };
  } = {};
  let holdNextStats = false;
  let holdNextDescribe = false;
  const source: StatsSource = {
    location: `s3://${options.stats.bucket}/${options.stats.prefix}`,
    async loadStats({ refresh, onProgress }) {
      calls.push({ kind: "loadStats", refresh });
      if (holdNextStats) {
        holdNextStats = false;
        const done = deferred<void>();
        held.stats = { progress: onProgress, done };
        await done.promise;
      }
      return { stats, provenance: { cached: !refresh, computedAt: "2026-11-25T11:00:00.000Z" } };
    },
    async describeDeltaspace(deltaspace, { onProgress }) {
      calls.push({ kind: "describe", deltaspace });
      if (holdNextDescribe) {
        holdNextDescribe = false;
        const done = deferred<void>();
        held.describe = { progress: onProgress, done };
        await done.promise;
      }
      return folders.get(deltaspace) ?? [];
    },
    async verify(key) {
      calls.push({ kind: "verify", key });
      const status = options.verify?.(key) ?? "ok";
      return {
        bucket: stats.bucket,
        key,
        storedKey: `${key}.delta`,
        storageType: "delta",
        size: 1,
        status,
        expectedSha256: "cd".repeat(32),
        ...(status === "mismatch" ? { message: "SHA-256 mismatch: the rebuilt file differs" } : {}),
      };
    },
    async download(key, path) {
      calls.push({ kind: "download", key, path });
      return path.endsWith("/") ? `${path}${key.slice(key.lastIndexOf("/") + 1)}` : path;
    },
    async remove(keys) {
      calls.push({ kind: "remove", keys });
      for (const [name, objects] of folders) {
        const left = objects.filter((o) => !keys.includes(o.key));
        // The reference goes with the last delta.
        folders.set(
          name,
          left.some((o) => o.storage === "delta")
            ? left
            : left.filter((o) => o.storage !== "reference"),
        );
      }
      return { deleted: keys, failed: [] };
    },
  };
  return {
    source,
    calls,
    setStats(next: BucketStats) {
      stats = next;
    },
    holdStats() {
      holdNextStats = true;
    },
    holdDescribe() {
      holdNextDescribe = true;
    },
    /** Report progress of the held load, or let it finish. */
    held,
  };
}
