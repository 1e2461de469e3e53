#!/usr/bin/env -S node --no-concurrent-recompilation
import { missingNodeFlags, relaunchWithNodeFlags } from "./node-flags.js";

// The `dg-xdelta` command: xdelta3's encode/decode usage on the @dg/xdelta codecs. Without the
// V8 flags it needs (run as `node main.js`), it runs itself again with them (see node-flags.ts).
const missing = missingNodeFlags(process.execArgv, process.env);
if (missing.length > 0) {
  await relaunchWithNodeFlags(missing);
} else {
  const { runCli } = await import("./run.js");
  process.exitCode = await runCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}
