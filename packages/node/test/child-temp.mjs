// Runs in a child process of the exit-cleanup test, against the built package.
// Usage: node child-temp.mjs <dist index URL> <folder>
// Makes a scratch file, a temporary file and a temporary folder (with a file in it) in
// <folder>, prints {"pid":…,"names":[…]}, and exits without removing any of them.
import { writeFile } from "node:fs/promises";

const [distUrl, folder] = process.argv.slice(2);
const platform = await import(distUrl);

const writer = await platform.createFsScratchSpace({ directory: folder }).create();
await writer.write(new TextEncoder().encode("left behind"));
await writer.finish();
const file = await platform.createTempFile({ directory: folder, suffix: ".part" });
await file.handle.close();
const dir = await platform.createTempDir({ directory: folder, suffix: ".work" });
await writeFile(dir.file("inside"), "left behind too");
const { readdir } = await import("node:fs/promises");
process.stdout.write(JSON.stringify({ pid: process.pid, names: await readdir(folder) }));
process.exit(0);
