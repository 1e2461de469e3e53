import { describe, expect, it } from "vitest";
import { readAhead } from "./read-ahead.js";

/** A generator of 0..count-1 that logs what it does, failing at `failAt`. */
function producer(count: number, log: string[], failAt = -1) {
  return (async function* () {
    try {
      for (let i = 0; i < count; i++) {
        await Promise.resolve();
        if (i === failAt) throw new Error(`failed at ${i}`);
        log.push(`made ${i}`);
        yield i;
      }
    } finally {
      log.push("closed");
    }
  })();
}

describe("readAhead", () => {
  it("yields every item in order, producing the next one before it is asked for", async () => {
    const log: string[] = [];
    const seen: number[] = [];
    for await (const item of readAhead(producer(3, log))) {
      // The consumer's work on an item lets the producer make the next one.
      await new Promise((resolve) => setImmediate(resolve));
      log.push(`used ${item}`);
      seen.push(item);
    }
    expect(seen).toEqual([0, 1, 2]);
    // The producer even finishes while the consumer still works on the last item.
    expect(log).toEqual(["made 0", "made 1", "used 0", "made 2", "used 1", "closed", "used 2"]);
  });

  it("reports a failure when the failed item is asked for, after the items before it", async () => {
    const log: string[] = [];
    const seen: number[] = [];
    const run = async () => {
      for await (const item of readAhead(producer(5, log, 2))) {
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(item);
      }
    };
    await expect(run()).rejects.toThrow("failed at 2");
    expect(seen).toEqual([0, 1]);
  });

  it("closes the producer when the consumer stops early, after at most one more item", async () => {
    const log: string[] = [];
    for await (const item of readAhead(producer(10, log))) {
      if (item === 1) break;
    }
    expect(log).toEqual(["made 0", "made 1", "made 2", "closed"]);
  });

  it("yields nothing more once the signal aborts", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = async () => {
      for await (const item of readAhead(producer(5, []), controller.signal)) {
        seen.push(item);
        await new Promise((resolve) => setImmediate(resolve)); // item 1 is ready by now
        controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ code: "CANCELLED" });
    expect(seen).toEqual([0]);
  });
});
