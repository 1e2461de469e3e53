#!/usr/bin/env -S node --no-concurrent-recompilation
// The flag: under Node 20, V8's background compile jobs can deadlock with the exit drain and
// leave the process hanging at exit (see packages/xdelta/src/cli/node-flags.ts). The installed
// bin gets it from this line; `node dist/main.js` runs without it.
import "./process-setup.js";
import { CancelledError } from "@dg/core";
import { runCli } from "./cli.js";
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
// `deltaglider ls | head` closes stdout early: stop quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
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
process.exitCode = code;
if (controller.signal.aborted) {
  // Whatever an interrupted transfer left running (sockets draining) must not keep us alive.
  setTimeout(() => process.exit(code), 2000).unref();
}
