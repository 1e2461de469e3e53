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

/**
 * The hidden sub-folder of a deltaspace that holds its extra references, each as
 * `<deltaspace>/.dg-refs/<id>/reference.bin`. The Python tool reads a delta's reference from
 * `<folder of its dg-ref-key>/reference.bin`, so it reads these unchanged.
 */
export const EXTRA_REFERENCES_FOLDER = ".dg-refs";

/**
 * The key of an extra reference of a deltaspace (`id`: 16 hex characters, the start of the
 * reference's SHA-256, so that two clients creating the same reference write the same key).
 *
 * @example
 * ```ts
 * extraReferenceKeyFor("releases", "0123456789abcdef"); // "releases/.dg-refs/0123456789abcdef/reference.bin"
 * ```
 */
export function extraReferenceKeyFor(deltaspace: string, id: string): string {
  return `${extraReferencesPrefix(deltaspace)}${id}/${REFERENCE_NAME}`;
}

/** `<deltaspace>/.dg-refs/`: the prefix under which a deltaspace's extra references live. */
export function extraReferencesPrefix(deltaspace: string): string {
  return deltaspace === ""
    ? `${EXTRA_REFERENCES_FOLDER}/`
    : `${deltaspace}/${EXTRA_REFERENCES_FOLDER}/`;
}

const EXTRA_REFERENCE_PATTERN = /^(?:(.*)\/)?\.dg-refs\/[^/]+\/reference\.bin$/;

/** Whether a stored key is an extra reference (`<deltaspace>/.dg-refs/<id>/reference.bin`). */
export function isExtraReferenceKey(storedKey: string): boolean {
  return EXTRA_REFERENCE_PATTERN.test(storedKey);
}

/**
 * The deltaspace a stored key counts in: its folder, except for an extra reference, which
 * belongs to the folder above its `.dg-refs/<id>/`.
 *
 * @example
 * ```ts
 * owningDeltaspaceOf("v/.dg-refs/0123456789abcdef/reference.bin"); // "v"
 * owningDeltaspaceOf("v/app.zip.delta"); // "v"
 * ```
 */
export function owningDeltaspaceOf(storedKey: string): string {
  const match = EXTRA_REFERENCE_PATTERN.exec(storedKey);
  return match ? (match[1] ?? "") : deltaspaceOf(storedKey);
}

/** Whether a listing's common prefix is a deltaspace's hidden `.dg-refs/` folder. */
export function isExtraReferencesPrefix(commonPrefix: string): boolean {
  return (
    commonPrefix === `${EXTRA_REFERENCES_FOLDER}/` ||
    commonPrefix.endsWith(`/${EXTRA_REFERENCES_FOLDER}/`)
  );
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
  return (
    isReferenceKey(storedKey) ||
    storedKey.startsWith(INTERNAL_PREFIX) ||
    isExtraReferenceKey(storedKey)
  );
}

/**
 * Refuse logical keys deltaglider cannot store without ambiguity: an empty name, a name
 * `reference.bin`, a name ending in `.delta`, keys under `.deltaglider/`, and keys in a
 * `.dg-refs/` folder (where extra references live).
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
  if (logicalKey.split("/").slice(0, -1).includes(EXTRA_REFERENCES_FOLDER)) {
    throw new InvalidArgumentError(
      `The ${EXTRA_REFERENCES_FOLDER}/ folder is reserved: ${logicalKey}`,
      { hint: "deltaglider keeps a folder's extra references there; choose another folder." },
    );
  }
  if (logicalKey.startsWith(INTERNAL_PREFIX)) {
    throw new InvalidArgumentError(`The ${INTERNAL_PREFIX} prefix is reserved: ${logicalKey}`, {
      hint: "deltaglider keeps its own files there; choose another folder.",
    });
  }
}
