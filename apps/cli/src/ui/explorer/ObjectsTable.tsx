import type { DeltaspaceObject } from "@dg/sdk";
import { Text } from "ink";
import { humanSize } from "../../lib/format.js";
import { cell, deltaRatio, formatDay, middleCut, storedAs } from "./cells.js";
import { StatusMark } from "./StatusMark.js";
import type { ItemStatus } from "./state.js";

/** Terminals at least this wide get the upload time, not only the day. */
const WIDE = 110;

export interface ObjectsTableProps {
  readonly rows: readonly DeltaspaceObject[];
  readonly deltaspace: string;
  readonly cursor: number;
  readonly top: number;
  readonly capacity: number;
  readonly width: number;
  readonly statusOf: (key: string) => ItemStatus | undefined;
}

function nameIn(deltaspace: string, key: string): string {
  return deltaspace === "" ? key : key.slice(deltaspace.length + 1);
}

function storedAsColor(object: DeltaspaceObject): { color?: string } {
  if (object.broken) return { color: "red" };
  if (object.storage === "direct" && object.directReason === undefined) return { color: "yellow" };
  return {};
}

/**
 * The files of one deltaspace in version order: original and stored size, the delta ratio,
 * how each is stored (and why whole), and when it was uploaded. Only the rows on screen are
 * drawn.
 */
export function ObjectsTable(props: ObjectsTableProps) {
  const { rows, cursor, top, capacity, width, deltaspace } = props;
  const withTime = width >= WIDE;
  const dateWidth = withTime ? 16 : 10;
  const nameWidth = Math.max(8, width - (2 + 2 + 11 + 11 + 7 + 18 + dateWidth + 2));
  const shown = rows.slice(top, top + capacity);
  return (
    <>
      <Text bold wrap="truncate-end">
        {"  "}
        {cell("Name", nameWidth)}
        {"  "} {cell("Original", 10, "right")} {cell("Stored", 10, "right")}{" "}
        {cell("Ratio", 6, "right")} {cell("Stored as", 17)} {cell("Uploaded", dateWidth)}
      </Text>
      {shown.map((object, offset) => {
        const selected = top + offset === cursor;
        return (
          <Text key={object.storedKey} wrap="truncate-end" inverse={selected}>
            {selected ? "› " : "  "}
            {cell(middleCut(nameIn(deltaspace, object.key), nameWidth), nameWidth)}
            <StatusMark status={props.statusOf(object.key)} />{" "}
            {cell(
              object.originalSize === undefined ? "?" : humanSize(object.originalSize),
              10,
              "right",
            )}{" "}
            {cell(humanSize(object.storedSize), 10, "right")} {cell(deltaRatio(object), 6, "right")}{" "}
            <Text {...storedAsColor(object)}>{cell(storedAs(object), 17)}</Text>{" "}
            {cell(formatDay(object.createdAt ?? object.lastModified, withTime), dateWidth)}
          </Text>
        );
      })}
    </>
  );
}
