// Run by dir-object-store.processes.test.ts in separate processes: writes through its own
// store instance and reports which create-only writes it won.
import { hasCode } from "@dg/core";
import { seededBytes } from "@dg/testkit";
import { createDirObjectStore } from "../src/dir/dir-object-store.js";

const [root, id, countText] = process.argv.slice(2);
if (!root || !id || !countText) throw new Error("usage: dir-writer.child.ts <root> <id> <count>");
const count = Number(countText);
const store = createDirObjectStore({ root });
const wins: number[] = [];
for (let i = 0; i < count; i++) {
  await store.putObject("shared", `own/${id}/${i}`, seededBytes(`own-${id}-${i}`, 1000 + i));
  try {
    await store.putObject("shared", `race/${i}`, seededBytes(`race-${id}-${i}`, 2000), {
      ifNoneMatch: true,
      metadata: { writer: id },
    });
    wins.push(i);
  } catch (error) {
    if (!hasCode(error, "CONFLICT")) throw error;
  }
  await store.putObject("shared", "hot", seededBytes(`hot-${id}-${i}`, 50_000), {
    metadata: { writer: id, round: String(i) },
  });
  if (i % 7 === 0) await store.deleteObject("shared", `own/${id}/${i}`);
}
process.stdout.write(`${JSON.stringify({ id, wins })}\n`);
