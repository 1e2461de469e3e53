import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createWorkspace,
  releaseVersions,
  sha256,
  uniqueBucket,
  type Workspace,
} from "./harness.js";

/** Temp objects as the Python tool's `rehydrate_for_download` writes them (metadata of §2.5). */
function pythonTempMetadata(expiresAt: string, original: string): Record<string, string> {
  return {
    "dg-expires-at": expiresAt,
    "dg-original-key": `${original}.delta`,
    "dg-original-filename": original.slice(original.lastIndexOf("/") + 1),
    "dg-rehydrated": "true",
    "dg-created-at": "2019-12-31T23:00:00.000001",
  };
}

const EXPIRED_NAIVE = ".deltaglider/tmp/0f1e2d3c4b5a69788796a5b4c3d2e1f0_app-1.zip";
const EXPIRED_AWARE = ".deltaglider/tmp/a1b2c3d4e5f60718293a4b5c6d7e8f90_app-2.zip";
const LIVE = ".deltaglider/tmp/ffeeddccbbaa99887766554433221100_app-3.zip";

for (const backend of ["moto", "file"] as const) {
  describe(`purge and bucket ACLs on ${backend === "moto" ? "moto" : "a file:// store"}`, () => {
    let ws: Workspace;
    const bucket = uniqueBucket(`purge-${backend}`);
    const [v1] = releaseVersions(`purge-${backend}`, 120_000, 1) as [Uint8Array];

    beforeAll(async () => {
      ws = await createWorkspace(backend === "moto" ? { endpoint: inject("s3Endpoint") } : {});
      expect((await ws.run(["mb", `s3://${bucket}`])).code).toBe(0);
      await ws.write("app-1.zip", v1);
      expect((await ws.run(["cp", "app-1.zip", `s3://${bucket}/rel/`])).code).toBe(0);
      const store = ws.store();
      const put = (key: string, size: number, expiresAt: string) =>
        store.putObject(bucket, key, new Uint8Array(size).fill(7), {
          metadata: pythonTempMetadata(expiresAt, "rel/app-1.zip"),
        });
      await put(EXPIRED_NAIVE, 1500, "2020-01-01T00:00:00.123456");
      await put(EXPIRED_AWARE, 700, "2020-01-01T02:00:00+02:00");
      await put(LIVE, 300, "2099-01-01T00:00:00");
      // The stats cache lives in .deltaglider/ too, and purge must leave it alone.
      expect((await ws.run(["stats", bucket])).code).toBe(0);
    });
    afterAll(async () => {
      await ws.cleanup();
    });

    async function internalKeys(): Promise<string[]> {
      const page = await ws.store().listObjects(bucket, { prefix: ".deltaglider/" });
      return page.objects.map((o) => o.key);
    }

    it("a dry run lists the expired files and deletes nothing", async () => {
      const before = await internalKeys();
      const text = await ws.run(["purge", bucket, "--dry-run"]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toBe(
        [
          "Dry run: Would delete 2 expired file(s)",
          "Total space to free: 2,200 bytes",
          "Files that would be deleted (first 10):",
          `  ${EXPIRED_NAIVE} (expires: 2020-01-01T00:00:00.123456)`,
          `  ${EXPIRED_AWARE} (expires: 2020-01-01T02:00:00+02:00)`,
          "",
        ].join("\n"),
      );
      const json = await ws.run(["purge", `s3://${bucket}/`, "--dryrun", "--json"]);
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        bucket,
        prefix: ".deltaglider/tmp/",
        dry_run: true,
        would_delete_count: 2,
        total_size_to_free: 2200,
        expired_files: [
          { key: EXPIRED_NAIVE, size: 1500, expires_at: "2020-01-01T00:00:00.123456" },
          { key: EXPIRED_AWARE, size: 700, expires_at: "2020-01-01T02:00:00+02:00" },
        ],
      });
      expect(await internalKeys()).toEqual(before);
    });

    it("a real run deletes the expired files only, then finds nothing", async () => {
      const before = await internalKeys();
      expect(before.some((key) => key.includes("cli-stats"))).toBe(true);
      const run = await ws.run(["purge", `s3://${bucket}/any/prefix`, "--json"]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        bucket,
        prefix: ".deltaglider/tmp/",
        deleted_count: 2,
        expired_count: 2,
        error_count: 0,
        total_size_freed: 2200,
        errors: [],
      });
      expect(await internalKeys()).toEqual(
        before.filter((key) => key !== EXPIRED_NAIVE && key !== EXPIRED_AWARE),
      );
      const again = await ws.run(["purge", bucket]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout.split("\n").slice(0, 6)).toEqual([
        `Purge Statistics for bucket: ${bucket}`,
        "=".repeat(60),
        "Expired files found:  0",
        "Files deleted:        0",
        "Errors:               0",
        "Space freed:          0 bytes",
      ]);
      expect(again.stdout).toMatch(/\nDuration: {13}\d+\.\d\d seconds\n$/);
      const back = await ws.run(["cp", `s3://${bucket}/rel/app-1.zip`, "back.zip"]);
      expect(back.code, back.stderr).toBe(0);
      expect(sha256(await ws.read("back.zip"))).toBe(sha256(v1));
    });

    it("keeps a reference set aside moments ago, and says why", async () => {
      const key = `.deltaglider/trash/${sha256(v1)}`;
      await ws.store().putObject(bucket, key, v1);
      const run = await ws.run(["purge", bucket]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(
        `Kept set-aside reference ${key} (set aside less than an hour ago)`,
      );
      expect(await internalKeys()).toContain(key);
      await ws.store().deleteObject(bucket, key);
    });

    it("get-bucket-acl prints Owner and Grants; put-bucket-acl checks its flags", async () => {
      const get = await ws.run(["get-bucket-acl", `s3://${bucket}`]);
      expect(get.code, get.stderr).toBe(0);
      const acl = JSON.parse(get.stdout) as { Owner: { ID: string }; Grants: unknown[] };
      expect(Object.keys(acl)).toEqual(["Owner", "Grants"]);
      expect(acl.Grants).toContainEqual(expect.objectContaining({ Permission: "FULL_CONTROL" }));
      expect(get.stdout).toContain('\n  "Grants": [');

      const none = await ws.run(["put-bucket-acl", bucket]);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/^deltaglider: error: put-bucket-acl needs an ACL to set\n/);
      const badJson = await ws.run(["put-bucket-acl", bucket, "--access-control-policy", "{oops"]);
      expect(badJson.code).toBe(2);
      expect(badJson.stderr.split("\n")[0]).toMatch(
        /^deltaglider: error: Invalid JSON for --access-control-policy: /,
      );
      const badAcl = await ws.run(["put-bucket-acl", bucket, "--acl", "everyone"]);
      expect(badAcl.code).toBe(2);
      const twice = await ws.run([
        "put-bucket-acl",
        bucket,
        "--acl",
        "private",
        "--acl",
        "private",
      ]);
      expect(twice.code).toBe(2);
      expect(twice.stderr.split("\n")[0]).toBe("deltaglider: error: --acl is given 2 times");
      const grants = ["--grant-read", "id=a", "--grant-read", "id=b"];
      const twiceGrant = await ws.run(["put-bucket-acl", bucket, ...grants]);
      expect(twiceGrant.code).toBe(2);
      expect(twiceGrant.stderr).toMatch(/--grant-read is given 2 times/);
    });

    if (backend === "moto") {
      it("put-bucket-acl changes the ACL moto serves", async () => {
        const put = await ws.run(["put-bucket-acl", bucket, "--acl", "public-read"]);
        expect(put.code, put.stderr).toBe(0);
        expect(put.stdout).toBe(`ACL updated for bucket: ${bucket}\n`);
        const read = JSON.parse((await ws.run(["get-bucket-acl", bucket])).stdout) as {
          Owner: { ID: string };
          Grants: { Grantee: { URI?: string }; Permission: string }[];
        };
        expect(read.Grants).toContainEqual({
          Grantee: { Type: "Group", URI: "http://acs.amazonaws.com/groups/global/AllUsers" },
          Permission: "READ",
        });
        const policy = JSON.stringify({
          Owner: { ID: read.Owner.ID },
          Grants: [
            { Grantee: { Type: "CanonicalUser", ID: read.Owner.ID }, Permission: "FULL_CONTROL" },
          ],
        });
        const back = await ws.run(["put-bucket-acl", bucket, "--access-control-policy", policy]);
        expect(back.code, back.stderr).toBe(0);
        const after = JSON.parse((await ws.run(["get-bucket-acl", bucket])).stdout) as {
          Grants: { Permission: string }[];
        };
        expect(after.Grants.map((g) => g.Permission)).toEqual(["FULL_CONTROL"]);
      });
    } else {
      it("put-bucket-acl fails with a hint: a local directory has no ACLs", async () => {
        const put = await ws.run(["put-bucket-acl", bucket, "--acl", "private"]);
        expect(put.code).toBe(1);
        expect(put.stdout).toBe("");
        expect(put.stderr).toMatch(/^deltaglider: error: putBucketAcl needs an S3 endpoint/);
        expect(put.stderr).toMatch(/\n {2}hint: A local directory has no ACLs/);
      });
    }
  });
}
