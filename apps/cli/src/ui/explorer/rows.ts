import type { BucketStats, DeltaspaceObject, DeltaspaceStats } from "@dg/sdk";
import type { Drill, SortKey, SortOrder } from "./state.js";

const nameOrder = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * Files in version order: the reference first, then by name with numbers compared as numbers
 * (`app-1.9.zip` before `app-1.10.zip`).
 *
 * @example
 * ```ts
 * versionOrder(objects).map((o) => o.key); // ["a/reference.bin", "a/app-1.9.zip", "a/app-1.10.zip"]
 * ```
 */
export function versionOrder(objects: readonly DeltaspaceObject[]): DeltaspaceObject[] {
  return [...objects].sort((a, b) => {
    if (a.storage === "reference" && b.storage !== "reference") return -1;
    if (b.storage === "reference" && a.storage !== "reference") return 1;
    return nameOrder.compare(a.key, b.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  });
}

function sortValue(space: DeltaspaceStats, key: SortKey): number {
  switch (key) {
    case "savings":
      return space.savingsPercent;
    case "stored":
      return space.storedBytes;
    case "objects":
      return space.objectCount;
    case "age":
      // Oldest reference first when descending; folders without one last.
      return space.referenceModified === undefined
        ? Number.NEGATIVE_INFINITY
        : -Date.parse(space.referenceModified);
    case "name":
      return 0;
  }
}

/** The name of a deltaspace as shown: `app/v1/`, or `(root)`. */
export function deltaspaceLabel(deltaspace: string): string {
  return deltaspace === "" ? "(root)" : `${deltaspace}/`;
}

function matches(text: string, filter: string): boolean {
  return filter === "" || text.toLowerCase().includes(filter.toLowerCase());
}

/**
 * The deltaspaces of the table, filtered and sorted. Ties (and `name`) go by name, so the
 * order is stable.
 */
export function visibleSpaces(
  stats: BucketStats | undefined,
  sort: SortOrder,
  filter: string,
): readonly DeltaspaceStats[] {
  if (!stats) return [];
  // Asked for on every key and every frame: sorting 10,000 rows each time would show.
  const last = lastSpaces;
  if (last && last.stats === stats && last.sort === sort && last.filter === filter) {
    return last.rows;
  }
  const rows = sortedSpaces(stats, sort, filter);
  lastSpaces = { stats, sort, filter, rows };
  return rows;
}

let lastSpaces:
  | {
      readonly stats: BucketStats;
      readonly sort: SortOrder;
      readonly filter: string;
      readonly rows: readonly DeltaspaceStats[];
    }
  | undefined;

function sortedSpaces(stats: BucketStats, sort: SortOrder, filter: string): DeltaspaceStats[] {
  const rows = stats.deltaspaces.filter((s) => matches(deltaspaceLabel(s.deltaspace), filter));
  const direction = sort.descending ? -1 : 1;
  return rows.sort((a, b) => {
    const byValue = (sortValue(a, sort.key) - sortValue(b, sort.key)) * direction;
    if (byValue !== 0 && !Number.isNaN(byValue)) return byValue;
    const byName = nameOrder.compare(a.deltaspace, b.deltaspace);
    return sort.key === "name" ? byName * direction : byName;
  });
}

/** The files of the open deltaspace that pass its filter, in version order. */
export function visibleObjects(drill: Drill): readonly DeltaspaceObject[] {
  const filter = drill.view.filter;
  return filter === "" ? drill.objects : drill.objects.filter((o) => matches(o.key, filter));
}
