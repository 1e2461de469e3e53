import type { DeltaspaceObject } from "@dg/sdk";
import { describe, expect, it } from "vitest";
import { drive, KEYS, linesOf } from "../../../test/ink-driver.js";
import { bucket, fakeStatsSource, NOW, releaseFolder, space } from "../../../test/screen-fakes.js";
import { createExplorerController } from "./controller.js";
import { StatsExplorer } from "./StatsExplorer.js";

const MiB = 1024 * 1024;

const stats = bucket("releases", [
  space("app", {
    objects: 12,
    original: 36 * MiB,
    stored: 4 * MiB,
    referenceAgeDays: 3,
    references: 3,
    referenceBytes: 2 * MiB,
  }),
  space("tools/cli", { objects: 4, original: 8 * MiB, stored: 7 * MiB, referenceAgeDays: 400 }),
  space("docs", { objects: 30, original: 2000, stored: 2000 }),
]);
const appFolder = releaseFolder(
  "app",
  [1000, 1200, 1500, 5000, 9000, 12000, 20000, 30000, 45000, 60000, 80000],
);

async function open(
  options: {
    readonly folders?: Readonly<Record<string, readonly DeltaspaceObject[]>>;
    readonly size?: { columns: number; rows: number };
    readonly hold?: boolean;
    readonly verify?: (key: string) => "ok" | "mismatch" | "unverifiable";
    readonly stats?: typeof stats;
  } = {},
) {
  const fake = fakeStatsSource({
    stats: options.stats ?? stats,
    folders: options.folders ?? { app: appFolder },
    ...(options.verify ? { verify: options.verify } : {}),
  });
  if (options.hold) fake.holdStats();
  const size = options.size ?? { columns: 80, rows: 24 };
  const controller = createExplorerController({ source: fake.source, size, now: () => NOW });
  controller.start();
  const ui = await drive(<StatsExplorer controller={controller} animate={false} />, size);
  return { ui, fake, controller };
}

/** Names of the table's rows, top to bottom. */
function rowNames(frame: string): string[] {
  return linesOf(frame)
    .filter((line) => /^(› | {2})\S+\/ /.test(line))
    .map((line) => line.slice(2).split(/\s+/)[0] ?? "");
}

describe("stats explorer: the table", () => {
  it("shows a live count while listing, then the summary and the deltaspaces", async () => {
    const { ui, fake } = await open({ hold: true });
    await ui.untilShows("Listing s3://releases/: 0 stored objects seen");
    fake.held.stats?.progress("listing", 12_500);
    await ui.untilShows("Listing s3://releases/: 12,500 stored objects seen");
    fake.held.stats?.progress("computing", 12_500);
    await ui.untilShows("Computing the figures of s3://releases/ (12,500 objects)");
    fake.held.stats?.done.resolve();
    const frame = await ui.untilShows("Deltaspace");
    expect(frame).toContain(
      "deltaglider stats s3://releases/ · quick mode · cached 2026-11-25 11:00",
    );
    expect(frame).toContain("Objects 46 (46 delta · 0 direct · 4 references) in 3 deltaspaces");
    expect(frame).toMatch(/Original 44\.0 MiB → stored 11\.0 MiB · saved 33\.0 MiB █+░* 75\.0%/);
    // Each folder's references and their share of its stored bytes, before the reference age.
    expect(frame).toMatch(/Saved↓ +Refs +Ref % +Ref age/);
    expect(frame).toMatch(/› app\/ +12 +36\.0 MiB +4\.0 MiB +88\.9% +3 +50\.0% +3d/);
    expect(frame).toMatch(/tools\/cli\/ +4 +8\.0 MiB +7\.0 MiB +12\.5% +1 +0\.0% +13mo/);
    expect(frame).toMatch(/docs\/ +30 +2\.0 KiB +2\.0 KiB +0\.0% +0 +0\.0% +—/);
    expect(frame).toContain("1–3 of 3 deltaspaces · sorted by savings ↓");
    expect(frame).toContain("s savings  z stored  o objects  a age  n name");
  });

  it("sorts by each column, and reverses on the same key again", async () => {
    const { ui } = await open();
    await ui.untilShows("Deltaspace");
    expect(rowNames(ui.frame())).toEqual(["app/", "tools/cli/", "docs/"]);
    await ui.press("z");
    expect(rowNames(ui.frame())).toEqual(["tools/cli/", "app/", "docs/"]);
    expect(ui.frame()).toContain("Stored↓");
    expect(ui.frame()).toContain("sorted by stored size ↓");
    await ui.press("z");
    expect(rowNames(ui.frame())).toEqual(["docs/", "app/", "tools/cli/"]);
    expect(ui.frame()).toContain("Stored↑");
    await ui.press("o");
    expect(rowNames(ui.frame())).toEqual(["docs/", "app/", "tools/cli/"]);
    await ui.press("a");
    // Oldest reference first; no reference last.
    expect(rowNames(ui.frame())).toEqual(["tools/cli/", "app/", "docs/"]);
    expect(ui.frame()).toContain("sorted by reference age ↓");
    await ui.press("n");
    expect(rowNames(ui.frame())).toEqual(["app/", "docs/", "tools/cli/"]);
    await ui.press("s");
    expect(rowNames(ui.frame())).toEqual(["app/", "tools/cli/", "docs/"]);
  });

  it("filters by name as one types, keeps the filter on Enter and clears it on Esc", async () => {
    const { ui } = await open();
    await ui.untilShows("Deltaspace");
    await ui.press("/");
    await ui.type("oo");
    expect(ui.frame()).toContain("Filter: oo▏");
    expect(rowNames(ui.frame())).toEqual(["tools/cli/"]);
    await ui.press(KEYS.backspace, KEYS.backspace);
    await ui.type("d");
    expect(rowNames(ui.frame())).toEqual(["docs/"]);
    await ui.press(KEYS.enter);
    expect(ui.frame()).toContain("1–1 of 1 deltaspaces · sorted by savings ↓ · filter: d");
    // Keys are commands again once the filter is kept.
    await ui.press("n");
    expect(ui.frame()).toContain("sorted by name ↑");
    await ui.press(KEYS.escape);
    expect(rowNames(ui.frame())).toEqual(["app/", "docs/", "tools/cli/"]);
    await ui.press("/");
    await ui.type("zzz");
    expect(ui.frame()).toContain('Nothing matches "zzz".');
    await ui.press(KEYS.enter);
    expect(ui.frame()).toContain("no deltaspaces · sorted by name ↑ · filter: zzz");
  });

  it("says so when the bucket is empty", async () => {
    const { ui } = await open({ stats: bucket("empty", []) });
    const frame = await ui.untilShows("Nothing stored here yet.");
    expect(frame).toContain("Objects 0 (0 delta · 0 direct · 0 references) in 0 deltaspaces");
    expect(frame).toContain("no deltaspaces");
    await ui.press("v", "x", "d", KEYS.enter);
    expect(ui.frame()).toContain("Nothing stored here yet.");
  });

  it("recomputes on r, ignoring the cache", async () => {
    const { ui, fake } = await open();
    await ui.untilShows("cached 2026-11-25 11:00");
    fake.setStats(
      bucket("releases", [
        space("new", { objects: 1, original: 10, stored: 10, referenceAgeDays: 0 }),
      ]),
    );
    await ui.press("r");
    const frame = await ui.untilShows("new/");
    expect(frame).toContain("computed 2026-11-25 11:00");
    expect(fake.calls.filter((c) => c.kind === "loadStats")).toEqual([
      { kind: "loadStats", refresh: false },
      { kind: "loadStats", refresh: true },
    ]);
  });

  it("shows the keys on ? and closes the panel on any key", async () => {
    const { ui } = await open();
    await ui.untilShows("Deltaspace");
    await ui.press("?");
    expect(ui.frame()).toContain("Keys");
    expect(ui.frame()).toContain("verify: rebuild and check the SHA-256");
    expect(ui.frame()).not.toContain("tools/cli/");
    await ui.press("j");
    expect(ui.frame()).not.toContain("verify: rebuild");
    // The key that closed the panel did nothing else.
    expect(ui.frame()).toMatch(/› app\//);
  });

  it("quits on q from the table", async () => {
    const { ui, controller } = await open();
    await ui.untilShows("Deltaspace");
    await ui.press("q");
    await controller.done;
    expect(controller.getState().quit).toBe(true);
  });

  it("quits on Ctrl-C from anywhere", async () => {
    const { ui, controller } = await open();
    await ui.untilShows("Deltaspace");
    await ui.press(KEYS.enter);
    await ui.untilShows("Ratio");
    await ui.press("/", KEYS.ctrlC);
    await controller.done;
    expect(controller.getState().quit).toBe(true);
  });
});

describe("stats explorer: a deltaspace", () => {
  it("lists its files in version order with how each is stored, and charts delta sizes", async () => {
    const { ui, fake } = await open();
    await ui.untilShows("Deltaspace");
    fake.holdDescribe();
    await ui.press(KEYS.enter);
    let frame = await ui.untilShows("Listing app/: 0 stored objects seen");
    // The deltaspace's figures from the table until its files are read.
    expect(frame).toContain("12 files · 36.0 MiB → stored 4.0 MiB · 88.9% saved");
    fake.held.describe?.progress(13, 0);
    fake.held.describe?.progress(13, 5);
    await ui.untilShows("Reading app/: 5 of 13 objects");
    fake.held.describe?.done.resolve();
    frame = await ui.untilShows("Ratio");
    expect(frame).toContain("deltaglider stats s3://releases/app/");
    expect(frame).toContain("12 files · 36.0 MiB → stored 3.3 MiB · 91.0% saved");
    expect(frame).toMatch(/Delta sizes by upload ▁+[▁-█]*█ 1000 Bytes – 78\.1 KiB/);
    expect(frame).toContain("Deltas grow: the latest are 50.0× the first ones");
    const lines = linesOf(frame);
    const at = (name: string) => lines.findIndex((line) => line.includes(` ${name} `));
    expect(at("reference.bin")).toBeLessThan(at("app-1.0.zip"));
    expect(at("app-1.9.zip")).toBeLessThan(at("app-1.10.zip"));
    expect(frame).toMatch(/› reference\.bin +3\.0 MiB +3\.0 MiB +— reference +2026-11-13/);
    expect(frame).toMatch(/app-1\.0\.zip +3\.0 MiB +60 Bytes +<0\.1% delta \(=ref\)/);
    expect(frame).toMatch(/app-1\.11\.zip +3\.0 MiB +78\.1 KiB +2\.5% delta +2026-11-24/);
    expect(frame).toContain("1–13 of 13 files · version order");
    expect(frame).toContain("q/esc back");
  });

  it("says why a file is stored whole, and marks broken deltas", async () => {
    const base = releaseFolder("mixed", [4000]);
    const at = new Date(NOW);
    const folder: DeltaspaceObject[] = [
      ...base.map((o) => (o.key === "mixed/app-1.1.zip" ? { ...o, broken: true } : o)),
      {
        key: "mixed/notes.txt",
        storedKey: "mixed/notes.txt",
        storage: "direct",
        originalSize: 120,
        storedSize: 120,
        lastModified: at,
        directReason: "not-eligible",
      },
      {
        key: "mixed/big.zip",
        storedKey: "mixed/big.zip",
        storage: "direct",
        originalSize: 5000,
        storedSize: 5000,
        lastModified: at,
      },
      {
        key: "mixed/empty.zip",
        storedKey: "mixed/empty.zip",
        storage: "direct",
        originalSize: 0,
        storedSize: 0,
        lastModified: at,
        directReason: "empty",
      },
      {
        key: "mixed/raw.bin",
        storedKey: "mixed/raw.bin",
        storage: "foreign",
        originalSize: 9,
        storedSize: 9,
        lastModified: at,
      },
    ];
    const { ui } = await open({
      stats: bucket("releases", [space("mixed", { objects: 6, original: 1, stored: 1 })]),
      folders: { mixed: folder },
    });
    await ui.untilShows("Deltaspace");
    await ui.press(KEYS.enter);
    const frame = await ui.untilShows("Ratio");
    expect(frame).toMatch(/app-1\.1\.zip .* delta BROKEN/);
    expect(frame).toContain("1 broken delta: their reference is missing or another one.");
    expect(frame).toMatch(/notes\.txt .* 100% direct: type/);
    expect(frame).toMatch(/big\.zip .* direct: ratio\/off/);
    expect(frame).toMatch(/empty\.zip .* — direct: empty/);
    expect(frame).toMatch(/raw\.bin .* foreign/);
  });

  it("names every recorded reason for a file stored whole, and explains the selected one", async () => {
    const at = new Date(NOW);
    const whole = (name: string, directReason?: DeltaspaceObject["directReason"]) => ({
      key: `why/${name}`,
      storedKey: `why/${name}`,
      storage: "direct" as const,
      originalSize: name.startsWith("empty") ? 0 : 5000,
      storedSize: name.startsWith("empty") ? 0 : 5000,
      lastModified: at,
      ...(directReason === undefined ? {} : { directReason }),
    });
    const folder: DeltaspaceObject[] = [
      whole("a-drifted.zip", "max-ratio"),
      whole("b-off.zip", "delta-disabled"),
      whole("c-empty.zip", "empty"),
      whole("d-notes.txt", "not-eligible"),
      whole("e-raced.zip", "reference-changed"),
      whole("f-old.zip"),
    ];
    const { ui } = await open({
      stats: bucket("releases", [space("why", { objects: 6, original: 1, stored: 1 })]),
      folders: { why: folder },
      size: { columns: 100, rows: 24 },
    });
    await ui.untilShows("Deltaspace");
    await ui.press(KEYS.enter);
    let frame = await ui.untilShows("Ratio");
    expect(frame).toMatch(/a-drifted\.zip .* direct: max-ratio/);
    expect(frame).toMatch(/b-off\.zip .* direct: no-delta/);
    expect(frame).toMatch(/c-empty\.zip .* direct: empty/);
    expect(frame).toMatch(/d-notes\.txt .* direct: type/);
    expect(frame).toMatch(/e-raced\.zip .* direct: ref race/);
    expect(frame).toMatch(/f-old\.zip .* direct: ratio\/off/);
    // The message line says why the selected file is whole, in words.
    expect(frame).toContain(
      "a-drifted.zip: stored whole, its delta was over --max-ratio of its size",
    );
    const explained = [
      "b-off.zip: stored whole, uploaded with --no-delta",
      "c-empty.zip: stored whole, an empty file",
      "d-notes.txt: stored whole, a file type never delta-encoded (by its extension)",
      "e-raced.zip: stored whole, the folder's reference changed during its upload",
      "f-old.zip: stored whole, reason not recorded (over --max-ratio, or --no-delta)",
    ];
    for (const text of explained) {
      await ui.press(KEYS.down);
      frame = await ui.untilShows(text);
    }
  });

  it("verifies the selected file and shows the result in place", async () => {
    const { ui, fake } = await open({
      verify: (key) => (key === "app/app-1.2.zip" ? "mismatch" : "ok"),
    });
    await ui.untilShows("Deltaspace");
    await ui.press(KEYS.enter);
    await ui.untilShows("Ratio");
    await ui.press(KEYS.down, KEYS.down, "v");
    let frame = await ui.untilShows(
      "verified: s3://releases/app/app-1.1.zip (sha256 cdcdcdcdcdcd…)",
    );
    expect(frame).toMatch(/› app-1\.1\.zip +✓ +3\.0 MiB/);
    await ui.press(KEYS.down, "v");
    frame = await ui.untilShows("s3://releases/app/app-1.2.zip: verify failed: SHA-256 mismatch");
    expect(frame).toMatch(/› app-1\.2\.zip +✗ +3\.0 MiB/);
    // Moving away keeps the last message; the marks stay, and a marked row shows its result.
    await ui.press(KEYS.down);
    frame = ui.frame();
    expect(frame).toContain("s3://releases/app/app-1.2.zip: verify failed");
    expect(frame).toMatch(/ app-1\.1\.zip +✓/);
    await ui.press(KEYS.up, KEYS.up);
    expect(ui.frame()).toContain("app-1.1.zip: verified (sha256 cdcdcdcdcdcd…)");
    expect(fake.calls.filter((c) => c.kind === "verify")).toEqual([
      { kind: "verify", key: "app/app-1.1.zip" },
      { kind: "verify", key: "app/app-1.2.zip" },
    ]);
  });

  it("verifies every file of a deltaspace from the table", async () => {
    const { ui, fake } = await open({
      verify: (key) => (key.endsWith("1.3.zip") ? "mismatch" : "ok"),
    });
    await ui.untilShows("Deltaspace");
    await ui.press("v");
    const frame = await ui.untilShows("verify failed for 1 of 12 files of s3://releases/app/");
    expect(frame).toMatch(/› app\/ +✗/);
    expect(fake.calls.filter((c) => c.kind === "verify")).toHaveLength(12);
    await ui.press(KEYS.down, KEYS.up);
    expect(ui.frame()).toContain("app/: 1 of 12 failed");
  });

  it("confirms a delete, naming the reference that goes with the last delta", async () => {
    const folder = releaseFolder("solo", []);
    const { ui, fake } = await open({
      stats: bucket("releases", [
        space("solo", { objects: 1, original: 10, stored: 10, referenceAgeDays: 1 }),
      ]),
      folders: { solo: folder },
    });
    await ui.untilShows("Deltaspace");
    await ui.press(KEYS.enter);
    await ui.untilShows("Ratio");
    await ui.press(KEYS.down, "x");
    let frame = await ui.untilShows("y delete · n keep");
    expect(frame).toContain("Delete s3://releases/solo/app-1.0.zip?");
    expect(frame).toContain("Stored as app-1.0.zip.delta, 60 Bytes.");
    expect(frame).toContain(
      "It is the last delta of solo/: solo/reference.bin (3.0 MiB) is deleted too.",
    );
    await ui.press("n");
    frame = await ui.untilShows("Nothing deleted.");
    expect(frame).not.toContain("y delete");
    expect(fake.calls.some((c) => c.kind === "remove")).toBe(false);

    fake.setStats(bucket("releases", [space("other", { objects: 1, original: 1, stored: 1 })]));
    await ui.press("x");
    await ui.untilShows("y delete · n keep");
    await ui.press("y");
    // The folder is gone from the new figures: back to the table.
    frame = await ui.untilShows("other/");
    expect(frame).toContain("delete: s3://releases/solo/app-1.0.zip");
    expect(fake.calls.filter((c) => c.kind === "remove")).toEqual([
      { kind: "remove", keys: ["solo/app-1.0.zip"] },
    ]);
  });

  it("confirms a delete of a whole deltaspace with its file count and reference", async () => {
    const { ui, fake } = await open();
    await ui.untilShows("Deltaspace");
    await ui.press("x");
    const frame = await ui.untilShows("y delete · n keep");
    expect(frame).toContain("Delete the 12 files of s3://releases/app/ (258.6 KiB stored)?");
    expect(frame).toContain(
      "With its last delta, its reference: app/reference.bin (3.0 MiB) is deleted too.",
    );
    expect(frame).toContain("Sub-folders are not touched.");
    await ui.press(KEYS.escape);
    expect(ui.frame()).toContain("Nothing deleted.");
    expect(fake.calls.some((c) => c.kind === "remove")).toBe(false);
  });

  it("downloads to the path typed, the file's name suggested", async () => {
    const { ui, fake } = await open();
    await ui.untilShows("Deltaspace");
    await ui.press(KEYS.enter);
    await ui.untilShows("Ratio");
    await ui.press(KEYS.end, "d");
    expect(ui.frame()).toContain("Download to: ./app-1.11.zip▏");
    await ui.press(KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace);
    await ui.type(".bin");
    expect(ui.frame()).toContain("Download to: ./app-1.11.bin▏");
    await ui.press(KEYS.enter);
    await ui.untilShows("download: s3://releases/app/app-1.11.zip to ./app-1.11.bin");
    expect(fake.calls.filter((c) => c.kind === "download")).toEqual([
      { kind: "download", key: "app/app-1.11.zip", path: "./app-1.11.bin" },
    ]);
    await ui.press(KEYS.home, "d", KEYS.escape);
    expect(ui.frame()).not.toContain("Download to:");
    expect(fake.calls.filter((c) => c.kind === "download")).toHaveLength(1);
  });

  it("goes back to the table on q and on Esc, where it was", async () => {
    const { ui, controller } = await open();
    await ui.untilShows("Deltaspace");
    await ui.press(KEYS.enter);
    await ui.untilShows("Ratio");
    await ui.press("q");
    await ui.untilShows("Deltaspace");
    expect(ui.frame()).toMatch(/› app\//);
    await ui.press(KEYS.enter);
    await ui.untilShows("Ratio");
    await ui.press(KEYS.escape);
    await ui.untilShows("Deltaspace");
    expect(controller.getState().quit).toBe(false);
  });
});

describe("stats explorer: size", () => {
  it("pages through 10,000 files without drawing them all", async () => {
    const sizes = Array.from({ length: 9_998 }, (_, i) => 1000 + (i % 50) * 10);
    const folder = releaseFolder("big", sizes);
    expect(folder).toHaveLength(10_000);
    const { ui } = await open({
      stats: bucket("releases", [space("big", { objects: 9_999, original: 1, stored: 1 })]),
      folders: { big: folder },
    });
    await ui.untilShows("Deltaspace");
    await ui.press(KEYS.enter);
    let frame = await ui.untilShows("1–14 of 10,000 files");
    expect(linesOf(frame).length).toBeLessThanOrEqual(23);
    expect(linesOf(frame).filter((line) => /app-1\.\d+\.zip/.test(line))).toHaveLength(13);
    await ui.press(KEYS.pageDown);
    frame = ui.frame();
    expect(frame).toContain("15–28 of 10,000 files");
    expect(frame).toMatch(/› app-1\.13\.zip/);
    await ui.press(KEYS.end);
    frame = ui.frame();
    expect(frame).toContain("9,987–10,000 of 10,000 files");
    expect(frame).toMatch(/› app-1\.9998\.zip/);
    expect(linesOf(frame).length).toBeLessThanOrEqual(23);
    await ui.press(KEYS.up, KEYS.up);
    expect(ui.frame()).toMatch(/› app-1\.9996\.zip/);
    expect(ui.frame()).toContain("9,987–10,000 of 10,000 files");
    await ui.press(KEYS.home);
    expect(ui.frame()).toContain("1–14 of 10,000 files");
  });

  it("pages through 10,000 deltaspaces", async () => {
    const spaces = Array.from({ length: 10_000 }, (_, i) =>
      space(`rel/${String(i).padStart(5, "0")}`, { objects: 1, original: 100 + i, stored: 50 }),
    );
    const { ui } = await open({ stats: bucket("huge", spaces) });
    let frame = await ui.untilShows("1–14 of 10,000 deltaspaces");
    expect(rowNames(frame)).toHaveLength(14);
    expect(rowNames(frame)[0]).toBe("rel/09999/");
    await ui.press(KEYS.end);
    frame = ui.frame();
    expect(frame).toContain("9,987–10,000 of 10,000 deltaspaces");
    expect(rowNames(frame).at(-1)).toBe("rel/00000/");
  });

  it("fits 80×24 and redraws for the new size when the terminal is resized", async () => {
    const { ui } = await open();
    await ui.untilShows("Deltaspace");
    await ui.press(KEYS.enter);
    let frame = await ui.untilShows("Ratio");
    expect(linesOf(frame).every((line) => [...line].length <= 80)).toBe(true);
    expect(linesOf(frame).length).toBeLessThanOrEqual(23);
    expect(frame).toContain("1–13 of 13 files");

    ui.resize(120, 14);
    frame = await ui.untilShows("1–4 of 13 files");
    expect(linesOf(frame).length).toBeLessThanOrEqual(13);
    // Wide enough for the upload time.
    expect(frame).toMatch(/reference +2026-11-13 \d\d:\d\d/);

    ui.resize(60, 30);
    frame = await ui.untilShows("1–13 of 13 files");
    expect(linesOf(frame).every((line) => [...line].length <= 60)).toBe(true);
  });
});

describe("stats explorer: failures", () => {
  it("closes with the error when the first load fails, so the command reports it", async () => {
    const fake = fakeStatsSource({ stats });
    const failure = new Error("The bucket does not exist");
    fake.source.loadStats = async () => {
      throw failure;
    };
    const controller = createExplorerController({
      source: fake.source,
      size: { columns: 80, rows: 24 },
    });
    controller.start();
    expect(await controller.done).toEqual({ failure });
  });

  it("keeps the figures on screen when a refresh fails, and says why", async () => {
    const { ui, fake, controller } = await open();
    await ui.untilShows("Deltaspace");
    fake.source.loadStats = async () => {
      throw new Error("SlowDown");
    };
    await ui.press("r");
    const frame = await ui.untilShows("Refresh failed: SlowDown");
    expect(frame).toMatch(/› app\/ +12/);
    expect(controller.getState().quit).toBe(false);
  });
});
