import type { DeltaspaceStats } from "@dg/sdk";
import { Text } from "ink";
import { humanSize } from "../../lib/format.js";
import { referenceShareText, savingsText } from "../../lib/stats-text.js";
import { cell, formatAge, savingsColor } from "./cells.js";
import { StatusMark } from "./StatusMark.js";
import { deltaspaceLabel } from "./rows.js";
import type { ItemStatus, SortKey, SortOrder } from "./state.js";

/**
 * Width of everything but the name column: cursor, status mark and the figures (objects,
 * original, stored, saved, references, their share of stored bytes, reference age).
 */
const FIXED_WIDTH = 2 + 2 + 9 + 11 + 11 + 8 + 5 + 7 + 8 + 1;

export interface SpacesTableProps {
  readonly rows: readonly DeltaspaceStats[];
  readonly cursor: number;
  readonly top: number;
  readonly capacity: number;
  readonly width: number;
  readonly sort: SortOrder;
  /** Time reference ages are counted from (ms). */
  readonly now: number;
  readonly statusOf: (deltaspace: string) => ItemStatus | undefined;
}

function heading(label: string, key: SortKey, sort: SortOrder, width: number): string {
  const arrow = sort.key === key ? (sort.descending ? "↓" : "↑") : "";
  return cell(`${label}${arrow}`, width, key === "name" ? "left" : "right");
}

/** The deltaspaces of the bucket, one line each; only the rows on screen are drawn. */
export function SpacesTable(props: SpacesTableProps) {
  const { rows, cursor, top, capacity, width, sort, now } = props;
  const nameWidth = Math.max(8, width - FIXED_WIDTH);
  const shown = rows.slice(top, top + capacity);
  return (
    <>
      <Text bold wrap="truncate-end">
        {"  "}
        {heading("Deltaspace", "name", sort, nameWidth)}
        {"  "} {heading("Objects", "objects", sort, 8)} {cell("Original", 10, "right")}{" "}
        {heading("Stored", "stored", sort, 10)} {heading("Saved", "savings", sort, 7)}{" "}
        {cell("Refs", 4, "right")} {cell("Ref %", 6, "right")} {heading("Ref age", "age", sort, 7)}
      </Text>
      {shown.map((space, offset) => {
        const selected = top + offset === cursor;
        const age =
          space.referenceModified === undefined
            ? "—"
            : formatAge(now - Date.parse(space.referenceModified));
        return (
          <Text key={space.deltaspace} wrap="truncate-end" inverse={selected}>
            {selected ? "› " : "  "}
            {cell(deltaspaceLabel(space.deltaspace), nameWidth)}
            <StatusMark status={props.statusOf(space.deltaspace)} />{" "}
            {cell(space.objectCount.toLocaleString("en-US"), 8, "right")}{" "}
            {cell(humanSize(space.originalBytes), 10, "right")}{" "}
            {cell(humanSize(space.storedBytes), 10, "right")}{" "}
            <Text color={savingsColor(space.savingsPercent)}>
              {cell(savingsText(space), 7, "right")}
            </Text>{" "}
            {cell(space.referenceObjects.toLocaleString("en-US"), 4, "right")}{" "}
            {cell(referenceShareText(space), 6, "right")} {cell(age, 7, "right")}
          </Text>
        );
      })}
    </>
  );
}
