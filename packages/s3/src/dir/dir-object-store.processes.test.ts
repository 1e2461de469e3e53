import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { ByteStream } from "@dg/core";
import { seededBytes } from "@dg/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createDirObjectStore } from "./dir-object-store.js";

const run = promisify(execFile);
const child = fileURLToPath(new URL("../../test/dir-writer.child.ts", import.meta.url));

async function collect(stream: ByteStream): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function allNames(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    out.push(entry.name);
  }
  return out;
}

describe("createDirObjectStore across processes", () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("loses no write and lets exactly one process win each create-only race", async () => {
    root = await mkdtemp(join(tmpdir(), "dg-dir-procs-"));
    const store = createDirObjectStore({ root });
    await store.createBucket("shared");
    const ids = ["p1", "p2", "p3", "p4"];
    const count = 30;
    const outputs = await Promise.all(
      ids.map((id) =>
        run(process.execPath, ["--import", "tsx", child, root as string, id, String(count)], {
          cwd: fileURLToPath(new URL("../..", import.meta.url)),
        }),
      ),
    );
    const reports = outputs.map((o) => JSON.parse(o.stdout) as { id: string; wins: number[] });

    for (const id of ids) {
      for (let i = 0; i < count; i++) {
        const info = await store.headObject("shared", `own/${id}/${i}`);
        if (i % 7 === 0) {
          expect(info).toBeUndefined();
        } else {
          const got = await collect((await store.getObject("shared", `own/${id}/${i}`)).body);
          expect(got.equals(Buffer.from(seededBytes(`own-${id}-${i}`, 1000 + i)))).toBe(true);
        }
      }
    }
    for (let i = 0; i < count; i++) {
      const winners = reports.filter((r) => r.wins.includes(i)).map((r) => r.id);
      expect(winners.length, `race/${i}`).toBe(1);
      const got = await store.getObject("shared", `race/${i}`);
      expect(got.info.metadata.writer).toBe(winners[0]);
      const expected = seededBytes(`race-${winners[0]}-${i}`, 2000);
      expect((await collect(got.body)).equals(Buffer.from(expected))).toBe(true);
    }
    const hot = await store.getObject("shared", "hot");
    const { writer, round } = hot.info.metadata;
    const expected = seededBytes(`hot-${writer}-${round}`, 50_000);
    expect((await collect(hot.body)).equals(Buffer.from(expected))).toBe(true);
    expect((await allNames(root)).filter((n) => n.startsWith(".dg-tmp-"))).toEqual([]);
  });
});
