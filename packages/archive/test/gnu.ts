import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Whether a program runs (so tests can use the real tool, or skip). */
export function hasBinary(name: string, args: readonly string[] = ["--version"]): boolean {
  const result = spawnSync(name, args, { stdio: "ignore" });
  return result.status === 0;
}

function run(command: string, args: readonly string[], input?: Uint8Array, cwd?: string): Buffer {
  const result = spawnSync(command, args, {
    ...(input === undefined ? {} : { input }),
    ...(cwd === undefined ? {} : { cwd }),
    maxBuffer: 1024 ** 3,
  });
  if (result.status !== 0) {
    throw new Error(`${command} failed: ${result.stderr?.toString() ?? result.error}`);
  }
  return result.stdout;
}

/** `gzip -<level> -n` of `data`, made by the GNU gzip binary (input through a pipe). */
export function gnuGzip(data: Uint8Array, level = 9): Uint8Array {
  return run("gzip", [`-${level}`, "-n", "-c"], data);
}

/** Reference zlib's raw deflate of `data`, through Python's zlib module. */
export function pythonDeflate(
  data: Uint8Array,
  level: number,
  memLevel = 8,
  windowBits = 15,
  strategy = 0,
): Uint8Array {
  const script = `import sys, zlib
c = zlib.compressobj(${level}, zlib.DEFLATED, -${windowBits}, ${memLevel}, ${strategy})
sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read()) + c.flush())`;
  return run("python3", ["-c", script], data);
}

/** Write `files` into a fresh directory, run `command` there, return the archive it made. */
function packWith(
  files: readonly { name: string; data: Uint8Array }[],
  output: string,
  command: string,
  args: readonly string[],
): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "dg-archive-tool-"));
  try {
    for (const { name, data } of files) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), data);
    }
    run(command, args, undefined, dir);
    return readFileSync(join(dir, output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A zip made by Info-ZIP's `zip -<level>` of `files` (all under `package/`). */
export function infoZip(files: readonly { name: string; data: Uint8Array }[], level = 6) {
  return packWith(files, "out.zip", "zip", ["-q", "-X", `-${level}`, "-r", "out.zip", "package"]);
}

/** A jar made by the JDK's `jar` tool of `files` (all under `package/`). */
export function jdkJar(files: readonly { name: string; data: Uint8Array }[]) {
  return packWith(files, "out.jar", "jar", ["cf", "out.jar", "package"]);
}
