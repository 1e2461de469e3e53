import { describe, expect, it } from "vitest";
import { createFixedClock, createMemoryLogger } from "./clock-and-logger.js";

describe("memory clock and logger", () => {
  it("the clock steps as told", () => {
    const clock = createFixedClock(new Date(1000), 10);
    expect(clock.now().getTime()).toBe(1000);
    expect(clock.now().getTime()).toBe(1010);
  });
  it("the logger keeps entries in order", () => {
    const logger = createMemoryLogger();
    logger.log("info", "a");
    logger.log("warn", "b", { k: 1 });
    expect(logger.entries).toEqual([
      { level: "info", message: "a" },
      { level: "warn", message: "b", fields: { k: 1 } },
    ]);
  });
});
