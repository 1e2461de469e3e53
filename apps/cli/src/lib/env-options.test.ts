import { describe, expect, it } from "vitest";
import { applyEnvOptions, envNameOf, envNamesOf } from "./env-options.js";
import { UsageError } from "./errors.js";

const table = {
  key: {
    "max-ratio": true,
    recursive: true,
    r: true,
    exclude: true,
    delta: true,
    "endpoint-url": true,
  },
  boolean: ["recursive", "r", "delta"],
  number: ["max-ratio"],
  array: ["exclude"],
  alias: { recursive: ["r"], r: ["recursive"] },
};

describe("applyEnvOptions", () => {
  it("names variables DG_<OPTION>", () => {
    expect(envNameOf("endpoint-url")).toBe("DG_ENDPOINT_URL");
  });
  it("fills unset options from DG_* variables with their types", () => {
    const argv: Record<string, unknown> = {};
    applyEnvOptions(argv, table, new Set(), {
      DG_MAX_RATIO: "0.3",
      DG_RECURSIVE: "yes",
      DG_EXCLUDE: "*.tmp",
      DG_ENDPOINT_URL: "file:///x",
      DG_UNRELATED: "ignored",
    });
    expect(argv).toMatchObject({
      maxRatio: 0.3,
      recursive: true,
      r: true,
      exclude: ["*.tmp"],
      endpointUrl: "file:///x",
    });
    expect(argv.unrelated).toBeUndefined();
  });
  it("lets the command line win, and defaults lose", () => {
    const argv: Record<string, unknown> = { "max-ratio": 0.9, maxRatio: 0.9, delta: true };
    applyEnvOptions(argv, table, new Set(["delta"]), { DG_MAX_RATIO: "0.3", DG_NO_DELTA: "1" });
    expect(argv.maxRatio).toBe(0.9);
    expect(argv.delta).toBe(false);
  });
  it("reports malformed values as usage errors", () => {
    expect(() => applyEnvOptions({}, table, new Set(), { DG_MAX_RATIO: "lots" })).toThrow(
      UsageError,
    );
    expect(() => applyEnvOptions({}, table, new Set(), { DG_RECURSIVE: "maybe" })).toThrow(
      /true or false/,
    );
  });
  it("reads --concurrency from DG_FILE_CONCURRENCY first, DG_CONCURRENCY still working", () => {
    const withConcurrency = { ...table, key: { concurrency: true }, number: ["concurrency"] };
    expect(envNamesOf("concurrency")).toEqual(["DG_FILE_CONCURRENCY", "DG_CONCURRENCY"]);
    const old: Record<string, unknown> = {};
    applyEnvOptions(old, withConcurrency, new Set(), { DG_CONCURRENCY: "6" });
    expect(old.concurrency).toBe(6);
    const both: Record<string, unknown> = {};
    applyEnvOptions(both, withConcurrency, new Set(), {
      DG_CONCURRENCY: "6",
      DG_FILE_CONCURRENCY: "2",
    });
    expect(both.concurrency).toBe(2);
    expect(() =>
      applyEnvOptions({}, withConcurrency, new Set(), { DG_FILE_CONCURRENCY: "lots" }),
    ).toThrow(/DG_FILE_CONCURRENCY must be a number/);
  });
});
