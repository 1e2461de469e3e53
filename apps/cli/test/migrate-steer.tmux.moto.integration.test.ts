import { seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type GatedProxy, type SeenRequest, startGatedProxy } from "./gated-proxy.js";
import { createWorkspace, releaseVersions, uniqueBucket, type Workspace } from "./harness.js";
import { createTmux, hasTmux, waitUntil } from "./tmux.js";

/**
 * The migrate dashboard's keys in a real terminal, against moto through a proxy that holds
 * chosen requests (`gated-proxy.ts`): the test decides which upload is in flight when a key is
 * pressed, and reads the outcome from the screen, the proxy's log and the bucket. Nothing waits
 * on time: each step waits for a frame, a held request or the exit.
 */
const tmux = createTmux("migrate-steer");
let ws: Workspace;
let proxy: GatedProxy | undefined;
let attempts = 0;
const MiB = 1024 * 1024;
/** Not delta-eligible, and large enough for a multipart upload (8 MiB parts). */
const BIG = "app-2.1-symbols.bin";
const ZIPS = ["app-2.0.zip", "app-2.1.zip", "app-2.2.zip", "app-2.3.zip"];

beforeAll(async () => {
  ws = await createWorkspace({ endpoint: inject("s3Endpoint") });
});
afterAll(async () => {
  await tmux.kill();
  await proxy?.close();
  await ws?.cleanup();
});

/**
 * A fresh source bucket (a plain S3 prefix with no deltaglider metadata, in key order:
 * app-2.0.zip, the big file, then the other releases), an empty destination, and a fresh
 * proxy: each attempt of the test starts from nothing another attempt left.
 */
async function prepare(): Promise<{ legacy: string; compact: string; proxy: GatedProxy }> {
  const legacy = uniqueBucket("steer-legacy");
  const compact = uniqueBucket("steer-compact");
  for (const bucket of [legacy, compact]) {
    expect((await ws.run(["mb", `s3://${bucket}`])).code).toBe(0);
  }
  const store = ws.store();
  for (const [i, bytes] of releaseVersions("tui-steer", 300_000, ZIPS.length).entries()) {
    await store.putObject(legacy, `releases/${ZIPS[i]}`, bytes, {});
  }
  await store.putObject(legacy, `releases/${BIG}`, seededBytes("tui-steer-big", 20 * MiB), {});
  await proxy?.close();
  proxy = await startGatedProxy(inject("s3Endpoint"));
  return { legacy, compact, proxy };
}

/** Keys under the destination folder, as stored (references and deltas included). */
async function storedKeys(compact: string): Promise<string[]> {
  const page = await ws.store().listObjects(compact, { prefix: "releases/" });
  return page.objects.map((o) => o.key).sort();
}

/** The multipart uploads moto has open in the destination bucket (raw XML). */
async function openUploads(compact: string): Promise<string> {
  return (await fetch(`${inject("s3Endpoint")}/${compact}?uploads`)).text();
}

/** Whether a request touches one of the destination's or source's files other than `keep`. */
function touchesOtherFile(request: SeenRequest, keep: string): boolean {
  if (!request.path.includes("/releases/")) return false;
  return !request.path.includes(keep) && !request.path.endsWith("/releases/reference.bin");
}

describe("migrate's dashboard keys in a real terminal (tmux 160×32, moto)", () => {
  it.runIf(hasTmux)(
    "p pauses (no new file starts) and resumes; q then ctrl-c stops with nothing half-written (exit 130); a rerun resumes",
    { retry: 1 },
    async () => {
      // A retry (this drives a real terminal on a loaded machine) starts from scratch.
      const { legacy, compact, proxy } = await prepare();
      const session = `s${++attempts}`;
      // 1. Start, and hold the first upload into the destination.
      await tmux.start(
        session,
        ws,
        ["migrate", `s3://${legacy}/releases/`, `s3://${compact}/`, "--concurrency", "1"],
        { columns: 160, rows: 32, env: { DG_ENDPOINT_URL: proxy.endpoint } },
      );
      let shown = await tmux.waitForScreen(session, "Proceed? [y/N]");
      expect(shown).toContain("Files to migrate: 5 (");
      proxy.hold((r) => r.method === "PUT" && r.path.startsWith(`/${compact}/releases/`));
      /** A held request awaited, or its failure with the screen at that moment. */
      const held = (what: string) =>
        proxy.nextHeld(what).catch(async (error: unknown) => {
          throw new Error(`${String(error)}\nscreen:\n${await tmux.screen(session)}`);
        });
      const firstHeld = held("the first upload, after y");
      await tmux.keys(session, "y");
      expect((await firstHeld).path).toBe(`/${compact}/releases/reference.bin`);
      shown = await tmux.waitForScreen(session, /app-2\.0\.zip +[█░]+/);
      expect(shown).toContain("0/5 files");

      // 2. Pause while app-2.0.zip is in flight; it finishes, and nothing else starts.
      const pausedAt = proxy.requests.length;
      await tmux.keys(session, "p");
      shown = await tmux.waitForScreen(session, "PAUSED");
      expect(shown).toContain("Paused: no new file starts; 1 file running finish. p resumes.");
      proxy.release();
      shown = await tmux.waitForScreen(session, "Paused: no new file starts. p resumes.");
      expect(shown).toMatch(/1\/5 files/);
      expect(shown).toContain(
        `copy: s3://${legacy}/releases/app-2.0.zip to s3://${compact}/releases/app-2.0.zip (reference`,
      );
      expect(await storedKeys(compact)).toEqual([
        "releases/app-2.0.zip.delta",
        "releases/reference.bin",
      ]);
      // Another process reads the bucket meanwhile; still nothing new has started.
      const listed = await ws.run(["ls", `s3://${compact}/releases/`]);
      expect(listed.stdout).toContain("app-2.0.zip");
      const after = proxy.requests.slice(pausedAt);
      expect(after.filter((r) => touchesOtherFile(r, "app-2.0.zip"))).toEqual([]);
      shown = await tmux.screen(session);
      expect(shown).toMatch(/1\/5 files/);
      expect(shown).toContain("Paused: no new file starts. p resumes.");

      // 3. Resume: the big file starts; hold its second part, so a multipart upload is open.
      proxy.hold(
        (r) =>
          r.method === "PUT" &&
          r.path.endsWith(`/releases/${BIG}`) &&
          r.query.get("partNumber") === "2",
      );
      const partHeld = held("part 2 of the big file, after p resumes");
      await tmux.keys(session, "p");
      await partHeld;
      shown = await tmux.waitForScreen(session, new RegExp(`${BIG.replace(/\./g, "\\.")} +[█░]+`));
      expect(shown).not.toContain("PAUSED");
      expect(shown).toContain("p pause · q stop (running files finish) · ctrl-c stop now");
      expect(await openUploads(compact)).toContain(`<Key>releases/${BIG}</Key>`);

      // 4. q: no new file starts, the running one would finish; ctrl-c: stop now.
      await tmux.keys(session, "q");
      await tmux.waitForScreen(
        session,
        "Stopping: no new file starts; 1 file running finishes first",
      );
      await tmux.keys(session, "C-c");
      const { code, screen } = await tmux.waitForExit(session);
      expect(code, screen).toBe(130);
      expect(screen).toContain("Migration summary: 1 migrated, 0 already there, 0 failed");
      expect(screen).toContain("Stopped before 4 files: run the same command again to resume");
      // Nothing half-written: the multipart upload was aborted, the big file is not there.
      expect(await openUploads(compact)).not.toContain("<UploadId>");
      expect(await storedKeys(compact)).toEqual([
        "releases/app-2.0.zip.delta",
        "releases/reference.bin",
      ]);
      const markers = await ws.store().listObjects(compact, { prefix: ".deltaglider/uploads/" });
      expect(markers.objects).toEqual([]);
      // The held part was given up by the CLI and never reached the server.
      const isHeldPart = (r: SeenRequest) =>
        r.path.endsWith(`/releases/${BIG}`) && r.query.get("partNumber") === "2";
      expect(proxy.forwarded.filter(isHeldPart)).toEqual([]);
      await waitUntil(
        async () => (proxy.held().length === 0 ? true : undefined),
        async () => `still held: ${JSON.stringify(proxy.held())}`,
      );

      // 5. A rerun skips what is there and completes.
      const again = await ws.run([
        "migrate",
        `s3://${legacy}/releases/`,
        `s3://${compact}/`,
        "--yes",
      ]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain("Already migrated: 1 files (skipped)");
      expect(again.stdout).toContain("Files to migrate: 4 (");
      expect(again.stdout).toContain("Migration summary: 4 migrated, 1 already there, 0 failed");
      expect(again.stdout).toContain(
        `copy: s3://${legacy}/releases/${BIG} to s3://${compact}/releases/${BIG} (direct: 20.0 MiB)`,
      );
      expect(again.stdout).toContain("Stored whole: 1 file (1 not a delta-eligible type)");
      const verified = await ws.run(["verify", "-r", `s3://${compact}/releases/`]);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout.match(/^verified: /gm)).toHaveLength(5);
    },
  );
});
