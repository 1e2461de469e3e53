import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createWorkspace,
  releaseVersions,
  sha256,
  uniqueBucket,
  type Workspace,
} from "./harness.js";
import { runRaw, tempFiles } from "./stdio-run.js";

let ws: Workspace;
const bucket = uniqueBucket("stdio");
// Over 5 MiB: the reference goes up as a multipart upload.
const SIZE = 6 * 1024 * 1024 + 4321;
const [v0, v1] = releaseVersions("stdio-moto", SIZE, 2) as [Uint8Array, Uint8Array];

beforeAll(async () => {
  ws = await createWorkspace({ endpoint: inject("s3Endpoint") });
  const made = await ws.run(["mb", `s3://${bucket}`]);
  expect(made.code, made.stderr).toBe(0);
});
afterAll(async () => {
  await ws.cleanup();
});

describe("cp - against moto", () => {
  it("round-trips standard input through a reference and a delta to standard output", async () => {
    const first = await runRaw(ws, ["cp", "-", `s3://${bucket}/rel/app-1.0.zip`], v0);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.toString()).toBe(
      `upload: - to s3://${bucket}/rel/app-1.0.zip (reference: 6.0 MiB)\n`,
    );
    const second = await runRaw(
      ws,
      ["cp", "-", `s3://${bucket}/rel/app-1.1.zip`, "--expected-size", String(SIZE)],
      v1,
    );
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.toString()).toMatch(/\(delta: [\d.]+ (Bytes|KiB), 99\.\d% saved\)\n$/);
    const stored = await ws.store().listObjects(bucket, { prefix: "rel/" });
    expect(stored.objects.map((object) => object.key).sort()).toEqual([
      "rel/app-1.0.zip.delta",
      "rel/app-1.1.zip.delta",
      "rel/reference.bin",
    ]);

    const back = await runRaw(ws, ["cp", `s3://${bucket}/rel/app-1.1.zip`, "-"]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toBe("");
    expect(back.stdout.length).toBe(SIZE);
    expect(sha256(back.stdout)).toBe(sha256(v1));
    expect(await tempFiles(ws)).toEqual([]);
  });

  it("stores nothing when the stream is shorter than --expected-size", async () => {
    const result = await runRaw(
      ws,
      ["cp", "-", `s3://${bucket}/short/x.zip`, "--expected-size", String(SIZE + 1)],
      v0,
    );
    expect(result.code).toBe(1);
    const listing = await ws.store().listObjects(bucket, { prefix: "short/" });
    expect(listing.objects).toEqual([]);
    expect(await tempFiles(ws)).toEqual([]);
  });
});
