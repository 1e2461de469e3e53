import { expect } from "vitest";
import { createWorkspace } from "./harness.js";
import { objectFieldsSuite } from "./object-fields.suite.js";

objectFieldsSuite("file:// store", async () => {
  const ws = await createWorkspace();
  const made = await ws.run(["mb", "s3://fields"]);
  expect(made.code, made.stderr).toBe(0);
  return { ws, bucket: "fields" };
});
