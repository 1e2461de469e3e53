#!/usr/bin/env node
import { runCli } from "./run.js";

// The `dg-xdelta` command: xdelta3's encode/decode usage on the @dg/xdelta codecs.
const status = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = status;
