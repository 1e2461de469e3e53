import { describe, expect, it } from "vitest";
import { planLocalPaths } from "./local-paths.js";

const items = (...relatives: string[]) => relatives.map((relative, value) => ({ relative, value }));

describe("planLocalPaths", () => {
  it("keys items by the path they are written to", () => {
    const plan = planLocalPaths(items("w/./y", "p//q", "b\\s", "plain"));
    expect([...plan.byPath.keys()]).toEqual(["w/y", "p/q", "b/s", "plain"]);
    expect(plan.items.every((item) => item.error === undefined)).toBe(true);
  });

  it("refuses every key of a group that lands on the same path, keeping the path claimed", () => {
    const plan = planLocalPaths(items("x", "./x", "y"));
    expect([...plan.byPath.keys()]).toEqual(["y"]);
    expect(plan.items.map((item) => item.error?.message)).toEqual([
      'Keys "x", "./x" all map to the same local file x',
      'Keys "x", "./x" all map to the same local file x',
      undefined,
    ]);
    expect(plan.claimed.has("x")).toBe(true);
  });

  it("refuses unsafe keys in place", () => {
    const plan = planLocalPaths(items("../evil", "ok"));
    expect(plan.items[0]?.error?.message).toMatch(/Refusing to write/);
    expect(plan.items[1]).toMatchObject({ relative: "ok", path: "ok" });
  });
});

describe("planLocalPaths file/folder clashes", () => {
  it("refuses a key that is a file where another key needs a folder, and that other key", () => {
    const plan = planLocalPaths(items("a", "a/b", "a/c/d", "ab"));
    expect([...plan.byPath.keys()]).toEqual(["ab"]);
    expect(plan.items[0]?.error?.message).toBe(
      'Key "a" is a file where key "a/b" needs the folder a',
    );
    expect(plan.items[2]?.error?.message).toBe(
      'Key "a" is a file where key "a/c/d" needs the folder a',
    );
  });
});
