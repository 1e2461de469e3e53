import type { DeltaspaceObject } from "@dg/sdk";

const LEVELS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;

/**
 * A one-line bar chart of `values` in at most `width` cells. With more values than cells,
 * each cell shows the largest value of its share, so a spike is never averaged away.
 *
 * @example
 * ```ts
 * sparkline([1, 2, 4, 8], 10); // "▁▂▄█"
 * ```
 */
export function sparkline(values: readonly number[], width: number): string {
  if (values.length === 0 || width <= 0) return "";
  const cells = Math.min(values.length, width);
  const points: number[] = [];
  for (let i = 0; i < cells; i += 1) {
    const from = Math.floor((i * values.length) / cells);
    const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / cells));
    points.push(Math.max(...values.slice(from, to)));
  }
  const max = Math.max(...points);
  return points
    .map((value) => {
      if (max <= 0) return LEVELS[0];
      const level = Math.round((value / max) * (LEVELS.length - 1));
      return LEVELS[Math.max(0, Math.min(LEVELS.length - 1, level))];
    })
    .join("");
}

/** The deltas of a deltaspace in upload order, with the size each takes in the store. */
export function deltaSizesByUpload(objects: readonly DeltaspaceObject[]): number[] {
  return objects
    .filter((o) => o.storage === "delta" && !o.zeroDiff)
    .map((o) => ({ at: (o.createdAt ?? o.lastModified).getTime(), key: o.key, size: o.storedSize }))
    .sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((d) => d.size);
}

/** How delta sizes evolve over the uploads: the mean of the last third against the first. */
export interface DeltaTrend {
  readonly growth: number;
  /** The deltas of the latest uploads are markedly larger: the reference has drifted. */
  readonly drifting: boolean;
}

/** Growth factor above which the chart calls the reference drifted. */
const DRIFT_FACTOR = 2;

/**
 * Compare the first and last third of the deltas (in upload order); undefined with fewer than
 * three deltas.
 *
 * @example
 * ```ts
 * deltaTrend([10, 10, 10, 40, 40, 40]); // { growth: 4, drifting: true }
 * ```
 */
export function deltaTrend(sizes: readonly number[]): DeltaTrend | undefined {
  if (sizes.length < 3) return undefined;
  const third = Math.max(1, Math.floor(sizes.length / 3));
  const mean = (part: readonly number[]) => part.reduce((a, b) => a + b, 0) / part.length;
  const first = mean(sizes.slice(0, third));
  const last = mean(sizes.slice(-third));
  const growth = first > 0 ? last / first : last > 0 ? Number.POSITIVE_INFINITY : 1;
  return { growth, drifting: growth >= DRIFT_FACTOR };
}
