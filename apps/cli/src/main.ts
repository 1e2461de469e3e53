#!/usr/bin/env -S node --no-concurrent-recompilation --max-semi-space-size=8
// The flags: under Node 20, V8's background compile jobs can deadlock with the exit drain and
// leave the process hanging at exit (see packages/xdelta/src/cli/node-flags.ts); and a young
// generation of at most 8 MB a half keeps a long listing's memory flat (without it V8 doubles
// it over a 200,000-key `stats` that only lists, 1.3x the peak at 20,000 keys; with it every
// `ls -r` and `stats` stays within 1.2x), at no measured cost to uploads and downloads (100 MB
// pair on file://, paired runs: CPU 0.98-1.03x). The installed bin gets them from this line;
// `node dist/main.js` runs without them.
import "./process-setup.js";
import { CancelledError } from "@dg/sdk/common";
import { runCli } from "./cli.js";
import { exitCodeFor, formatError } from "./lib/errors.js";
import { isClosedPipe, stdoutWriteError } from "./lib/stdio.js";
import type { ClientFactory } from "./context.js";
import { commands } from "./commands/index.js";

let clientFactory: ClientFactory | undefined;
const controller = new AbortController();
let interrupts = 0;
process.on("SIGINT", () => {
  interrupts += 1;
  // A second Ctrl-C does not wait for the clean-up.
  if (interrupts > 1) process.exit(130);
  controller.abort(new CancelledError("Interrupted"));
});
// `deltaglider ls | head` closes stdout early: stop quietly. Any other failure to write it
// (`> /dev/full`, a full disk, a read-only file) stops the command, which then ends with one
// line saying so (exit 1); after the command ended, that line is printed here.
let finished = false;
let outputFailed = false;
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (isClosedPipe(error)) process.exit(0);
  if (outputFailed) return;
  outputFailed = true;
  const failure = stdoutWriteError(error);
  if (!finished) {
    controller.abort(failure);
    return;
  }
  for (const line of formatError(failure, { debug: false })) process.stderr.write(`${line}\n`);
  process.exitCode = exitCodeFor(failure);
});

const code = await runCli(
  process.argv.slice(2),
  {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  },
  {
    commands,
    // The SDK (and the AWS SDK under it) loads only when a command runs: --help stays quick.
    createClient: (globals, io) => {
      if (clientFactory === undefined) throw new Error("The SDK was not loaded");
      return clientFactory(globals, io);
    },
    async preload() {
      clientFactory ??= (await import("./client-factory.js")).createSdkClient;
    },
  },
);
finished = true;
process.exitCode = code;
if (controller.signal.aborted) {
  // Whatever an interrupted transfer left running (sockets draining) must not keep us alive.
  setTimeout(() => process.exit(code), 2000).unref();
}
