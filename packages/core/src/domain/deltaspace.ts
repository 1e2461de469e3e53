import { InvalidArgumentError } from "../errors.js";
import { INTERNAL_PREFIX } from "./internal-folder.js";

/** The fixed name of a deltaspace's reference object. */
export const REFERENCE_NAME = "reference.bin";
/** The suffix of delta-encoded objects. */
export const DELTA_SUFFIX = ".delta";

/** The last path component of a key. */
export function baseName(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/**
 * The deltaspace (folder) a logical key belongs to: everything before its last `/`, or `""`
 * for the bucket root. Nested folders are separate deltaspaces.
 *
 * @example
 * ```ts
 * deltaspaceOf("releases/v1/app.zip"); // "releases/v1"
 * ```
 */
export function deltaspaceOf(key: string): string {
  const at = key.lastIndexOf("/");
  return at < 0 ? "" : key.slice(0, at);
}

/** `<deltaspace>/reference.bin`, or `reference.bin` at the root. */
export function referenceKeyFor(deltaspace: string): string {
  return deltaspace === "" ? REFERENCE_NAME : `${deltaspace}/${REFERENCE_NAME}`;
}

/** The stored key of a delta-encoded logical key: `<key>.delta`. */
export function deltaKeyFor(logicalKey: string): string {
  return `${logicalKey}${DELTA_SUFFIX}`;
}

/** The stored key of a directly stored logical key: the key itself. */
export function directKeyFor(logicalKey: string): string {
  return logicalKey;
}

/** The logical key a stored key shows as in listings (`x.zip.delta` → `x.zip`). */
export function logicalKeyOf(storedKey: string): string {
  return storedKey.endsWith(DELTA_SUFFIX) ? storedKey.slice(0, -DELTA_SUFFIX.length) : storedKey;
}

/** Whether a stored key is a reference (`reference.bin` in any deltaspace, the root's too). */
export function isReferenceKey(storedKey: string): boolean {
  return baseName(storedKey) === REFERENCE_NAME;
}

/** Stored keys hidden from listings: references and deltaglider's own `.deltaglider/` objects. */
export function isInternalKey(storedKey: string): boolean {
  return isReferenceKey(storedKey) || storedKey.startsWith(INTERNAL_PREFIX);
}

/**
 * Refuse logical keys deltaglider cannot store without ambiguity: an empty name, a name
 * `reference.bin`, a name ending in `.delta`, and keys under `.deltaglider/`.
 */
export function assertStorableKey(logicalKey: string): void {
  const name = baseName(logicalKey);
  if (name === "") {
    throw new InvalidArgumentError(`Key has no file name: ${JSON.stringify(logicalKey)}`, {
      hint: "Name the object, e.g. s3://bucket/dir/file.zip, or end the destination with / to keep the local name.",
    });
  }
  if (name === REFERENCE_NAME) {
    throw new InvalidArgumentError(`"${REFERENCE_NAME}" is a reserved name: ${logicalKey}`, {
      hint: "deltaglider keeps each folder's reference file under that name; rename the file.",
    });
  }
  if (name.endsWith(DELTA_SUFFIX)) {
    throw new InvalidArgumentError(
      `Names ending in "${DELTA_SUFFIX}" are reserved: ${logicalKey}`,
      {
        hint: "deltaglider stores deltas under that suffix; rename the file.",
      },
    );
  }
  if (logicalKey.startsWith(INTERNAL_PREFIX)) {
    throw new InvalidArgumentError(`The ${INTERNAL_PREFIX} prefix is reserved: ${logicalKey}`, {
      hint: "deltaglider keeps its own files there; choose another folder.",
    });
  }
}
