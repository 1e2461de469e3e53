import { IntegrityError, InternalError, NotFoundError } from "@dg/core";
import { describe, expect, it } from "vitest";
import { EXIT, exitCodeFor, formatError, UsageError } from "./errors.js";
import { createRedactor } from "./redact.js";

describe("formatError", () => {
  it("prints a user-fixable error as message and hint, no stack", () => {
    const lines = formatError(new NotFoundError("No such bucket: b", { hint: "Create it." }), {
      debug: false,
    });
    expect(lines).toEqual(["deltaglider: error: No such bucket: b", "  hint: Create it."]);
  });
  it("prints a bug with a pointer to --debug, and the stack with it", () => {
    const plain = formatError(new TypeError("x is undefined"), { debug: false });
    expect(plain[0]).toBe("deltaglider: error: x is undefined");
    expect(plain[1]).toMatch(/--debug/);
    const debug = formatError(new InternalError("boom", { cause: new Error("root") }), {
      debug: true,
    });
    expect(debug.join("\n")).toMatch(/at .*errors\.test\.ts/);
    expect(debug).toContain("Caused by:");
  });
  it("keeps the message on one line", () => {
    expect(formatError(new UsageError("a\n  b"), { debug: false })[0]).toBe(
      "deltaglider: error: a b",
    );
  });
});

describe("exitCodeFor", () => {
  it("maps usage, cancellation and failures", () => {
    expect(exitCodeFor(new UsageError("x"))).toBe(EXIT.usage);
    expect(exitCodeFor(new IntegrityError("x"))).toBe(EXIT.failed);
    expect(exitCodeFor(Object.assign(new Error("x"), { name: "AbortError" }))).toBe(
      EXIT.interrupted,
    );
  });
});

describe("createRedactor", () => {
  it("masks secret variable values", () => {
    const redact = createRedactor({
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG",
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
    });
    expect(redact("signature for wJalrXUtnFEMI/K7MDENG failed")).toBe("signature for **** failed");
    expect(redact("AKIAEXAMPLE")).toBe("AKIAEXAMPLE");
  });
});
