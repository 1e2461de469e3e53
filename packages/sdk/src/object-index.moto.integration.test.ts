import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FACTS_PREFIX } from "@dg/core";
import { createS3Client, createS3ObjectStore } from "@dg/s3";
import { findPythonTool, seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MOTO_CREDENTIALS,
  motoClient,
  motoEndpoint,
  motoStore,
  pythonToolEnv,
  uniqueBucket,
} from "../test/moto-client.js";
import { countingHeads, objectIndexSuite } from "../test/object-index.suite.js";
import { createClient, type DeltaGliderClient } from "./index.js";

const run = promisify(execFile);
const bucket = uniqueBucket("facts");
const raw = motoStore();
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  await raw.store.createBucket(bucket);
});
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
  raw.destroy();
});

describe("the object-facts index on moto", () => {
  objectIndexSuite(() => ({
    bucket,
    store: raw.store,
    client() {
      // Each client has its own S3 connection and store, as another machine would.
      const s3 = createS3Client({
        endpoint: motoEndpoint(),
        region: "us-east-1",
        credentials: MOTO_CREDENTIALS,
      });
      const counted = countingHeads(createS3ObjectStore({ client: s3 }));
      const client: DeltaGliderClient = createClient({
        env: {},
        store: counted.store,
        cacheBackend: "memory",
        logger: { log() {} },
      });
      cleanups.push(() => {
        client.destroy();
        s3.destroy();
      });
      return { client, heads: counted.heads };
    },
  }));
});

const python = findPythonTool();
describe.skipIf(!python.found)(
  `the Python DeltaGlider beside the index${python.found ? "" : ` (skipped: ${python.reason})`}`,
  () => {
    it("lists our files as before, and the index documents as plain files", async () => {
      if (!python.found) return;
      const pyBucket = uniqueBucket("facts-python");
      const writer = motoClient({ compat: true });
      const home = await mkdtemp(join(tmpdir(), "dg-facts-python-"));
      try {
        await writer.createBucket({ Bucket: pyBucket });
        const base = seededBytes("py-facts", 50_000);
        const next = new Uint8Array(base);
        next.set(seededBytes("py-facts-2", 40), 20_000);
        await writer.putObject({ Bucket: pyBucket, Key: "rel/app-1.zip", Body: base });
        await writer.putObject({ Bucket: pyBucket, Key: "rel/app-2.zip", Body: next });
        const documents = (await raw.store.listObjects(pyBucket, { prefix: FACTS_PREFIX })).objects;
        expect(documents.length).toBeGreaterThan(0);
        const env = pythonToolEnv(home);
        const folder = await run(python.path, ["ls", `s3://${pyBucket}/rel/`], {
          env,
          timeout: 120_000,
        });
        // Its own view of our folder: the two files (stored sizes, as it shows them).
        expect(folder.stdout).toMatch(/ app-1\.zip$/m);
        expect(folder.stdout).toMatch(/ app-2\.zip$/m);
        expect(folder.stdout).not.toContain(".json");
        const all = await run(python.path, ["ls", "--recursive", `s3://${pyBucket}/`], {
          env,
          timeout: 120_000,
        });
        // It does not hide .deltaglider/: the documents show as plain files, under their own
        // names (never taken for deltas or references).
        for (const doc of documents) expect(all.stdout).toContain(doc.key);
        const out = join(home, "app-2.zip");
        await run(python.path, ["cp", `s3://${pyBucket}/rel/app-2.zip`, out], {
          env,
          timeout: 120_000,
        });
        expect(
          createHash("sha256")
            .update(await readFile(out))
            .digest("hex"),
        ).toBe(createHash("sha256").update(next).digest("hex"));
      } finally {
        writer.destroy();
        await rm(home, { recursive: true, force: true });
      }
    });
  },
);
