// Makes a temp file, a temp folder and a scratch file in the folder given, prints their paths
// as one JSON line, then waits to be killed (the leftovers of a process killed mid-operation).
const [dist, folder] = process.argv.slice(2);
const { createTempDir, createTempFile, createFsScratchSpace } = await import(dist);
const file = await createTempFile({ directory: folder, suffix: ".part" });
const dir = await createTempDir({ directory: folder, suffix: ".work" });
const writer = await createFsScratchSpace({ directory: folder }).create();
await writer.write(new Uint8Array(1024));
process.stdout.write(`${JSON.stringify({ pid: process.pid, paths: [file.path, dir.path] })}\n`);
setInterval(() => undefined, 1 << 30);
