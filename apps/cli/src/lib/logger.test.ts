import { describe, expect, it } from "vitest";
import { createCliLogger, logLevelFrom } from "./logger.js";
import { createRedactor } from "./redact.js";

describe("createCliLogger", () => {
  it("writes entries at or above its level, with fields, secrets masked", () => {
    const lines: string[] = [];
    const stderr = { write: (text: string) => lines.push(text) > 0 };
    const redact = createRedactor({ AWS_SESSION_TOKEN: "tok-very-secret" });
    const logger = createCliLogger(stderr, "info", redact);
    logger.log("debug", "hidden");
    logger.log("info", "signed with tok-very-secret", { attempt: 2, key: "a/b" });
    logger.log("error", "failed");
    expect(lines).toEqual([
      "deltaglider info: signed with **** attempt=2 key=a/b\n",
      "deltaglider error: failed\n",
    ]);
  });

  it("parses DG_LOG_LEVEL leniently", () => {
    expect(logLevelFrom(" DEBUG ")).toBe("debug");
    expect(logLevelFrom("warn")).toBe("warn");
    expect(logLevelFrom("loud")).toBeUndefined();
    expect(logLevelFrom(undefined)).toBeUndefined();
  });
});
