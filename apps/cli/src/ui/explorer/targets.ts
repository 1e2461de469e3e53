import type { DeltaspaceObject } from "@dg/sdk";
import { humanSize } from "../../lib/format.js";
import { deltaspaceLabel } from "./rows.js";
import type { Target } from "./state.js";

/** The last part of a key: `app/app-1.2.zip` → `app-1.2.zip`. */
export function baseName(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/** One file as the target of an action. */
export function objectTarget(object: DeltaspaceObject, deltaspace: string): Target {
  return { kind: "object", key: object.key, deltaspace };
}

/** A target as an S3 URI: `s3://bucket/key`, or `s3://bucket/folder/` for a deltaspace. */
export function targetLabel(location: string, target: Target): string {
  const bucketRoot = location.slice(0, location.indexOf("/", "s3://".length) + 1);
  return target.kind === "object"
    ? `${bucketRoot}${target.key}`
    : `${bucketRoot}${target.deltaspace === "" ? "" : `${target.deltaspace}/`}`;
}

/** The files of a deltaspace a user acts on: everything but the reference itself. */
export function userFiles(objects: readonly DeltaspaceObject[]): DeltaspaceObject[] {
  return objects.filter((o) => o.storage !== "reference");
}

/**
 * What a delete would remove, in words: the files, their stored size, and the reference when
 * the last delta needing it goes.
 */
export function deletePlanLines(
  location: string,
  target: Target,
  objects: readonly DeltaspaceObject[],
): string[] {
  const reference = objects.find((o) => o.storage === "reference");
  const deltas = objects.filter((o) => o.storage === "delta");
  const referenceLine = (why: string) =>
    reference
      ? [`${why}: ${reference.key} (${humanSize(reference.storedSize)}) is deleted too.`]
      : [];
  if (target.kind === "object") {
    const object = objects.find((o) => o.key === target.key);
    const lines = [`Delete ${targetLabel(location, target)}?`];
    if (!object) return lines;
    lines.push(
      object.storage === "delta"
        ? `Stored as ${baseName(object.storedKey)}, ${humanSize(object.storedSize)}.`
        : `Stored whole, ${humanSize(object.storedSize)}.`,
    );
    if (object.storage === "delta") {
      if (deltas.length === 1) {
        lines.push(
          ...referenceLine(`It is the last delta of ${deltaspaceLabel(target.deltaspace)}`),
        );
      } else if (reference) {
        const others = deltas.length - 1;
        lines.push(
          `${reference.key} stays: ${others} other delta${others === 1 ? "" : "s"} need${others === 1 ? "s" : ""} it.`,
        );
      }
    }
    return lines;
  }
  const files = userFiles(objects);
  const stored = files.reduce((sum, o) => sum + o.storedSize, 0);
  return [
    `Delete the ${files.length} file${files.length === 1 ? "" : "s"} of ${targetLabel(location, target)} (${humanSize(stored)} stored)?`,
    ...(deltas.length > 0 ? referenceLine("With its last delta, its reference") : []),
    "Sub-folders are not touched.",
  ];
}
