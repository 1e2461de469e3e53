import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  collect,
  concatBytes,
  hasXdelta3,
  randomBytes,
  randomText,
  streamOf,
} from "../encode/test-fixtures.js";
import type { CliIo } from "./run.js";
import { runCli } from "./run.js";

interface Captured {
  readonly io: CliIo;
  stdout(): Promise<Uint8Array>;
  stderr(): string;
}

function capture(stdin: Uint8Array = new Uint8Array(0), env: CliIo["env"] = {}): Captured {
  const out = new PassThrough();
  const collected = collect(out);
  let err = "";
  return {
    io: {
      stdin: streamOf(stdin, 10_007),
      stdout: out,
      stderr: { write: (text: string) => (err += text) },
      env,
    },
    async stdout() {
      out.end();
      return collected;
    },
    stderr: () => err,
  };
}

let dir: string;
const source = randomText(31, 200_000);
const target = concatBytes(
  source.subarray(100_000),
  randomBytes(32, 3000),
  source.subarray(0, 90_000),
);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "dg-xdelta-cli-"));
  await writeFile(join(dir, "v1"), source);
  await writeFile(join(dir, "v2"), target);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const p = (name: string): string => join(dir, name);

describe("dg-xdelta", () => {
  it("encodes and decodes files (exit 0)", async () => {
    const enc = capture();
    expect(await runCli(["-e", "-s", p("v1"), p("v2"), p("d")], enc.io)).toBe(0);
    const delta = await readFile(p("d"));
    expect(delta.length).toBeLessThan(5_000);
    const dec = capture();
    expect(await runCli(["-d", "-s", p("v1"), p("d"), p("out")], dec.io)).toBe(0);
    expect(Buffer.compare(await readFile(p("out")), target)).toBe(0);
    expect(enc.stderr() + dec.stderr()).toBe("");
  });

  it("writes LZMA sections by default and plain ones with -S none, on either engine", async () => {
    const engines = hasXdelta3() ? ["builtin", "xdelta3"] : ["builtin"];
    for (const engine of engines) {
      for (const [flag, indicator] of [
        [[], 0x01],
        [["-S", "none"], 0x00],
        [["-S", "lzma"], 0x01],
      ] as const) {
        const enc = capture();
        const args = ["-e", "-f", "--engine", engine, ...flag, "-s", p("v1"), p("v2"), p("d")];
        expect(await runCli(args, enc.io)).toBe(0);
        const delta = await readFile(p("d"));
        // Hdr_Indicator bit 0: the sections may be secondary-compressed (xdelta3 also sets
        // bit 2 for its application header).
        expect(delta[4]! & 0x01, `${engine} ${flag.join(" ")}`).toBe(indicator);
        const dec = capture();
        expect(await runCli(["-d", "-f", "-s", p("v1"), p("d"), p("out")], dec.io)).toBe(0);
        expect(Buffer.compare(await readFile(p("out")), target)).toBe(0);
      }
    }
  });

  it("streams stdin to stdout with '-'", async () => {
    const enc = capture(target);
    expect(await runCli(["-e", "-s", p("v1"), "-", "-"], enc.io)).toBe(0);
    const delta = await enc.stdout();
    const dec = capture(delta);
    expect(await runCli(["-d", "-s", p("v1")], dec.io)).toBe(0);
    expect(Buffer.compare(await dec.stdout(), target)).toBe(0);
  });

  it("refuses to overwrite OUT without -f, and overwrites with -f", async () => {
    await writeFile(p("out"), "keep me");
    const first = capture();
    expect(await runCli(["-e", "-s", p("v1"), p("v2"), p("out")], first.io)).toBe(1);
    expect(first.stderr()).toMatch(/exists; use -f/);
    expect(first.stderr().trim().split("\n")).toHaveLength(1);
    expect(await readFile(p("out"), "utf8")).toBe("keep me");
    const forced = capture();
    expect(await runCli(["-e", "-f", "-s", p("v1"), p("v2"), p("out")], forced.io)).toBe(0);
    expect((await readFile(p("out"))).subarray(0, 4)).toEqual(Buffer.from([0xd6, 0xc3, 0xc4, 0]));
  });

  it("exits 1 on a damaged delta and leaves no output behind", async () => {
    const enc = capture();
    await runCli(["-e", "-s", p("v1"), p("v2"), p("d")], enc.io);
    const delta = await readFile(p("d"));
    delta[delta.length - 3]! ^= 0x55;
    await writeFile(p("bad"), delta);
    const dec = capture();
    expect(await runCli(["-d", "-s", p("v1"), p("bad"), p("out")], dec.io)).toBe(1);
    expect(dec.stderr()).toMatch(/^dg-xdelta: /);
    expect((await readdir(dir)).sort()).toEqual(["bad", "d", "v1", "v2"]);
  });

  it("exits 1 for a missing input file", async () => {
    const run = capture();
    expect(await runCli(["-e", "-s", p("nope"), p("v2"), p("out")], run.io)).toBe(1);
    expect(run.stderr()).toMatch(/No such file/);
  });

  it.each([
    [["-s", "x", "a", "b"], /missing -e or -d/],
    [["-e", "-d", "-s", "x"], /one of -e and -d/],
    [["-e", "a", "b"], /missing -s/],
    [["-e", "-s", "-", "a", "b"], /must be a file/],
    [["-e", "-s", "x", "a", "b", "c"], /unexpected argument/],
    [["-e", "--engine", "zstd", "-s", "x"], /unknown engine/],
    [["-e", "-S", "djw", "-s", "x"], /unknown secondary compression: djw/],
    [["-e", "--format", "dgd", "-S", "none", "-s", "x"], /-S applies to VCDIFF only/],
    [["-e", "--bogus", "-s", "x"], /Unknown option/],
    [["-e", "--format", "zip", "-s", "x"], /unknown format/],
    [["-e", "--format", "dgd", "--engine", "xdelta3", "-s", "x"], /needs the builtin engine/],
  ])("exits 2 on bad usage: %j", async (argv, message) => {
    const run = capture();
    expect(await runCli(argv, run.io)).toBe(2);
    expect(run.stderr()).toMatch(message);
    expect(run.stderr()).toMatch(/--help/);
  });

  it("writes and reads dgd with --format dgd; VCDIFF stays the default", async () => {
    const enc = capture(new Uint8Array(0), { DG_DELTA_ENGINE: "xdelta3" });
    expect(await runCli(["-e", "--format", "dgd", "-s", p("v1"), p("v2"), p("d")], enc.io)).toBe(0);
    const delta = await readFile(p("d"));
    expect(delta.subarray(0, 4)).toEqual(Buffer.from([0xd7, 0x44, 0x47, 0x44]));
    const dec = capture();
    expect(await runCli(["-d", "--format", "dgd", "-s", p("v1"), p("d"), p("out")], dec.io)).toBe(
      0,
    );
    expect(Buffer.compare(await readFile(p("out")), target)).toBe(0);
    // A dgd delta is not VCDIFF: decoding it as the default format fails cleanly.
    const wrong = capture();
    expect(await runCli(["-d", "-s", p("v1"), p("d"), p("out2")], wrong.io)).toBe(1);
    expect(wrong.stderr()).toMatch(/^dg-xdelta: /);
    // A damaged dgd delta: exit 1, a one-line error, nothing written.
    delta[delta.length - 40]! ^= 0x10;
    await writeFile(p("bad"), delta);
    const bad = capture();
    expect(
      await runCli(["-d", "--format", "dgd", "-s", p("v1"), p("bad"), p("out3")], bad.io),
    ).toBe(1);
    expect(bad.stderr()).toMatch(/^dg-xdelta: Invalid dgd delta: /);
    expect((await readdir(dir)).sort()).toEqual(["bad", "d", "out", "v1", "v2"]);
  });

  it("prints help (exit 0)", async () => {
    const run = capture();
    expect(await runCli(["--help"], run.io)).toBe(0);
    const help = new TextDecoder().decode(await run.stdout());
    expect(help).toMatch(/dg-xdelta -e \[-f\] -s SOURCE/);
    expect(help).toMatch(/--format NAME +vcdiff \(default/);
  });

  it.runIf(hasXdelta3())("runs the xdelta3 engine with --engine or DG_DELTA_ENGINE", async () => {
    const enc = capture(new Uint8Array(0), { DG_DELTA_ENGINE: "xdelta3" });
    expect(await runCli(["-e", "-s", p("v1"), p("v2"), p("d")], enc.io)).toBe(0);
    const dec = capture();
    expect(
      await runCli(["-d", "--engine", "builtin", "-s", p("v1"), p("d"), p("out")], dec.io),
    ).toBe(0);
    expect(Buffer.compare(await readFile(p("out")), target)).toBe(0);
    const again = capture();
    expect(
      await runCli(["-d", "--engine", "xdelta3", "-f", "-s", p("v1"), p("d"), p("out")], again.io),
    ).toBe(0);
    expect(Buffer.compare(await readFile(p("out")), target)).toBe(0);
  });
});
