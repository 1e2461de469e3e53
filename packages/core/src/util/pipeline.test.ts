import { describe, expect, it } from "vitest";
import { createBoundedPool, readAhead } from "./pipeline.js";

/** A promise with its resolve function, for tests that decide when things finish. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("createBoundedPool", () => {
  it("never runs more than its limit, and makes the producer wait for a slot", async () => {
    const pool = createBoundedPool(3);
    const events: string[] = [];
    const gates = Array.from({ length: 7 }, () => deferred());
    const threeRunning = deferred();
    let running = 0;
    const producer = (async () => {
      for (const [i, gate] of gates.entries()) {
        await pool.submit(async () => {
          running += 1;
          events.push(`start ${i}`);
          if (running === 3) threeRunning.resolve();
          await gate.promise;
          events.push(`end ${i}`);
          running -= 1;
        });
      }
    })();
    await threeRunning.promise;
    expect(events).toEqual(["start 0", "start 1", "start 2"]);
    for (const gate of gates) gate.resolve();
    await producer;
    await pool.drain();
    // At every point at most three had started and not ended; the fourth waited for an end.
    let inFlight = 0;
    for (const event of events) {
      inFlight += event.startsWith("start") ? 1 : -1;
      expect(inFlight).toBeLessThanOrEqual(3);
    }
    expect(events.indexOf("start 3")).toBeGreaterThan(events.indexOf("end 0"));
    expect(events.filter((e) => e.startsWith("end"))).toHaveLength(7);
  });

  it("rethrows the first failure from submit and from drain", async () => {
    const pool = createBoundedPool(2);
    const failing = deferred();
    await pool.submit(() => failing.promise);
    failing.reject(new Error("HEAD failed"));
    await expect(pool.drain()).rejects.toThrow("HEAD failed");
    await expect(pool.submit(async () => undefined)).rejects.toThrow("HEAD failed");
  });
});

describe("readAhead", () => {
  it("asks for the next item as soon as the current one is handed out", async () => {
    const gates = [deferred(), deferred(), deferred()];
    const asked = [deferred(), deferred(), deferred()];
    async function* source() {
      for (const [i, gate] of gates.entries()) {
        asked[i]?.resolve();
        await gate.promise;
        yield i;
      }
    }
    gates[0]?.resolve();
    const iterator = readAhead(source())[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 0 });
    // Item 1 is asked for while the consumer still holds item 0 (without read-ahead this
    // would never resolve and the test would time out).
    await asked[1]?.promise;
    gates[1]?.resolve();
    gates[2]?.resolve();
    expect(await iterator.next()).toEqual({ done: false, value: 1 });
    expect(await iterator.next()).toEqual({ done: false, value: 2 });
    expect((await iterator.next()).done).toBe(true);
  });

  it("passes a failure of the source on, and closes the source on early exit", async () => {
    let closed = false;
    async function* failing() {
      try {
        yield 1;
        throw new Error("listing failed");
      } finally {
        closed = true;
      }
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(failing())) seen.push(item);
      })(),
    ).rejects.toThrow("listing failed");
    expect(seen).toEqual([1]);
    expect(closed).toBe(true);

    closed = false;
    async function* endless() {
      try {
        for (let i = 0; ; i += 1) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const item of readAhead(endless())) if (item === 2) break;
    expect(closed).toBe(true);
  });
});
