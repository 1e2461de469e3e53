import { describe, expect, it } from "vitest";
import { createStderrLogger } from "./logger.js";

describe("createStderrLogger", () => {
  it("writes entries at or above its level, with their fields", () => {
    const lines: string[] = [];
    const logger = createStderrLogger("info", (line) => lines.push(line));
    logger.log("debug", "hidden");
    logger.log("info", "reference created", { key: "a/reference.bin", size: 3 });
    logger.log("error", "boom");
    expect(lines).toEqual([
      "deltaglider info: reference created key=a/reference.bin size=3\n",
      "deltaglider error: boom\n",
    ]);
  });
});
