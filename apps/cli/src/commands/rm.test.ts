import { Readable } from "node:stream";
import { createMemoryObjectStore } from "@dg/core/memory";
import { createClient } from "@dg/sdk";
import { failingDeletes, seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli.js";
import type { CliIo } from "../lib/io.js";
import { commands } from "./index.js";

function captureIo() {
  let stdout = "";
  let stderr = "";
  const stream = (append: (text: string) => void) => ({
    write: (chunk: string) => {
      append(chunk);
      return true;
    },
    isTTY: false,
  });
  const io: CliIo = {
    stdout: stream((t) => {
      stdout += t;
    }),
    stderr: stream((t) => {
      stderr += t;
    }),
    stdin: Readable.from([]),
    env: { NO_COLOR: "1" },
    cwd: "/",
    signal: new AbortController().signal,
  };
  return { io, out: () => stdout, err: () => stderr };
}

describe("rm -r with a key that cannot be deleted", () => {
  it("deletes the others, prints delete failed: for it, keeps its reference and exits 1", async () => {
    const inner = createMemoryObjectStore({ buckets: ["bkt"] });
    const store = failingDeletes(inner, ["rel/v2.zip.delta"]);
    const client = () => createClient({ env: { DG_CACHE_BACKEND: "memory" }, store });
    const setup = client();
    const v1 = seededBytes("v1", 20_000);
    const v2 = new Uint8Array(v1);
    v2.set(seededBytes("edit", 100), 5000);
    await setup.putObject({ Bucket: "bkt", Key: "rel/v1.zip", Body: v1 });
    await setup.putObject({ Bucket: "bkt", Key: "rel/v2.zip", Body: v2 });
    await setup.putObject({ Bucket: "bkt", Key: "rel/notes.txt", Body: "notes" });

    const { io, out, err } = captureIo();
    const code = await runCli(["rm", "-r", "s3://bkt/rel/"], io, {
      commands,
      createClient: () => client(),
    });
    expect(code).toBe(1);
    expect(out().split("\n").filter(Boolean).sort()).toEqual([
      "delete: s3://bkt/rel/notes.txt",
      "delete: s3://bkt/rel/v1.zip",
    ]);
    expect(err()).toMatch(/^delete failed: s3:\/\/bkt\/rel\/v2\.zip: Access denied \(test\)/m);
    expect(err().match(/delete failed/g)).toHaveLength(1);
    // deltaglider's own `.deltaglider/` (the object-facts index of rel/, which still has a
    // delta) aside.
    const left = (await inner.listObjects("bkt", {})).objects
      .map((o) => o.key)
      .filter((key) => !key.startsWith(".deltaglider/"));
    expect(left.sort()).toEqual(["rel/reference.bin", "rel/v2.zip.delta"]);
    const back = await setup.getObject({ Bucket: "bkt", Key: "rel/v2.zip" });
    expect(back.ContentLength).toBe(v2.length);
    setup.destroy();
  });

  it("rm of that one key exits 1 with delete failed:", async () => {
    const inner = createMemoryObjectStore({ buckets: ["bkt"] });
    const store = failingDeletes(inner, ["locked.txt"]);
    const client = () => createClient({ env: { DG_CACHE_BACKEND: "memory" }, store });
    await client().putObject({ Bucket: "bkt", Key: "locked.txt", Body: "x" });
    const { io, out, err } = captureIo();
    const code = await runCli(["rm", "s3://bkt/locked.txt"], io, {
      commands,
      createClient: () => client(),
    });
    expect(code).toBe(1);
    expect(out()).toBe("");
    expect(err()).toMatch(/^delete failed: s3:\/\/bkt\/locked\.txt: /m);
  });
});
