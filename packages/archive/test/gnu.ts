import { spawnSync } from "node:child_process";

/** Whether a binary answers `--version` (so tests can use the real tool). */
export function hasBinary(name: string): boolean {
  const result = spawnSync(name, ["--version"], { stdio: "ignore" });
  return result.status === 0;
}

/** `gzip -9 -n` of `data`, made by the GNU gzip binary. */
export function gnuGzip(data: Uint8Array, level = 9): Uint8Array {
  const result = spawnSync("gzip", [`-${level}`, "-n", "-c"], {
    input: data,
    maxBuffer: 1024 ** 3,
  });
  if (result.status !== 0) throw new Error(`gzip failed: ${result.stderr.toString()}`);
  return result.stdout;
}
