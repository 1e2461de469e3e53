import { expect, inject } from "vitest";
import { createWorkspace, uniqueBucket } from "./harness.js";
import { objectFieldsSuite } from "./object-fields.suite.js";

objectFieldsSuite("S3 on moto", async () => {
  const ws = await createWorkspace({ endpoint: inject("s3Endpoint") });
  const bucket = uniqueBucket("fields");
  const made = await ws.run(["mb", `s3://${bucket}`]);
  expect(made.code, made.stderr).toBe(0);
  return { ws, bucket };
});
