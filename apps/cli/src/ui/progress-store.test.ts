import { describe, expect, it } from "vitest";
import { createProgressStore } from "./progress-store.js";

describe("createProgressStore", () => {
  it("tracks files, bytes and savings, and publishes finished lines at once", () => {
    let now = 1000;
    const store = createProgressStore({ now: () => now, intervalMs: 1_000_000, quiet: false });
    let published = 0;
    store.subscribe(() => {
      published += 1;
    });
    store.plan(2, 300);
    store.start(0, "s3://b/a.zip", 100);
    store.start(1, "s3://b/b.zip", 200);
    store.advance(0, 60);
    store.advance(0, 60); // capped at the file's size
    const before = published;
    store.finish(0, "upload: a", { originalBytes: 100, storedBytes: 10 });
    expect(published).toBe(before + 1);
    store.fail(1, ["upload failed: b", "  hint: h"]);
    now = 2000;
    const snapshot = store.getSnapshot();
    expect(snapshot.totals).toMatchObject({
      filesPlanned: 2,
      filesDone: 1,
      filesFailed: 1,
      bytesDone: 100,
      originalBytesStored: 100,
      storedBytes: 10,
    });
    expect(snapshot.active).toEqual([]);
    expect(snapshot.lines.map((line) => [line.text, line.tone])).toEqual([
      ["upload: a", "ok"],
      ["upload failed: b", "error"],
      ["  hint: h", "error"],
    ]);
  });

  it("keeps failures but drops success lines when quiet", () => {
    const store = createProgressStore({ now: () => 0, intervalMs: 10, quiet: true });
    store.plan(1, undefined);
    store.start(0, "x", undefined);
    store.finish(0, "upload: x");
    store.note("summary");
    expect(store.getSnapshot().lines).toEqual([]);
  });
});
