import { InvalidArgumentError } from "../errors.js";
import { estimateSimilarity, type Sketch } from "./sketch.js";

/**
 * The default share of a file above which its delta makes it a new reference of its folder
 * instead (measured on the bench's corpus, see the README): drifting releases then keep
 * deltas small instead of growing until they pass the max ratio.
 */
export const DEFAULT_NEW_REFERENCE_RATIO = 0.35;

/** The default most references a folder holds (its `reference.bin` included). */
export const DEFAULT_MAX_REFERENCES = 16;

/** Validate a new-reference ratio: a number in (0, 1]. */
export function validateNewReferenceRatio(value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new InvalidArgumentError(`Invalid new-reference ratio: ${value}`, {
      hint: "Give a number greater than 0 and at most 1, e.g. 0.2 (a delta above a fifth of the file makes it a new reference).",
    });
  }
  return value;
}

/** Validate a cap on references per folder: a whole number, at least 1 (1: only `reference.bin`). */
export function validateMaxReferences(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`Invalid maximum of references per folder: ${value}`, {
      hint: "Give a whole number of at least 1; 1 keeps the single reference.bin of the Python tool.",
    });
  }
  return value;
}

/** A reference a file may be encoded against. */
export interface ReferenceCandidate {
  readonly key: string;
  readonly sha256: string;
  /** When it was written; the most recent wins a tie. */
  readonly createdAt: Date;
  /** Its sketch, when its metadata holds one (the Python tool writes none). */
  readonly sketch?: Sketch;
}

/** The chosen reference with the file's estimated similarity to it. */
export interface ChosenReference<T extends ReferenceCandidate> {
  readonly reference: T;
  readonly similarity: number;
}

/**
 * Pick the reference to encode a file against without encoding: the highest estimated
 * similarity of sketches, the most recent one on a tie (releases drift, so the newest is the
 * best guess when sketches say nothing). `undefined` for no candidates.
 *
 * @example
 * ```ts
 * const chosen = chooseReference(references, sketchOfFile);
 * chosen?.reference.key; // "v/.dg-refs/0123456789abcdef/reference.bin"
 * ```
 */
export function chooseReference<T extends ReferenceCandidate>(
  candidates: readonly T[],
  sketch: Sketch,
): ChosenReference<T> | undefined {
  let best: ChosenReference<T> | undefined;
  for (const reference of candidates) {
    const similarity = reference.sketch ? estimateSimilarity(sketch, reference.sketch) : 0;
    if (
      best === undefined ||
      similarity > best.similarity ||
      (similarity === best.similarity &&
        reference.createdAt.getTime() > best.reference.createdAt.getTime())
    ) {
      best = { reference, similarity };
    }
  }
  return best;
}

/** What to do with a file once its delta against the chosen reference is known. */
export type StorageDecision = "delta" | "new-reference" | "direct";

/** The figures {@link decideStorage} weighs. */
export interface StorageInputs {
  readonly deltaSize: number;
  readonly fileSize: number;
  /** Estimated similarity to the chosen reference (0 when unknown). */
  readonly similarity: number;
  readonly maxRatio: number;
  readonly newReferenceRatio: number;
  /** Whether the folder may take one more reference (under its cap). */
  readonly canAddReference: boolean;
}

/**
 * Above `newReferenceRatio` of the file, a delta makes a file that resembles the folder (its
 * sketch shares chunks with the reference, or its delta is within the max ratio) a new
 * reference while the cap allows; otherwise `maxRatio` decides between the delta and storing
 * the file whole, as with a single reference.
 *
 * @example
 * ```ts
 * decideStorage({ deltaSize: 40, fileSize: 100, similarity: 0.6, maxRatio: 0.5,
 *   newReferenceRatio: 0.2, canAddReference: true }); // "new-reference"
 * ```
 */
export function decideStorage(inputs: StorageInputs): StorageDecision {
  const ratio = inputs.fileSize === 0 ? 1 : inputs.deltaSize / inputs.fileSize;
  if (ratio > inputs.newReferenceRatio) {
    const resembles = inputs.similarity > 0 || ratio <= inputs.maxRatio;
    if (resembles && inputs.canAddReference) return "new-reference";
  }
  return ratio > inputs.maxRatio ? "direct" : "delta";
}

/**
 * Which references to retire to make room for a new one: the oldest extra references no
 * delta uses, as many as needed to get under `maxReferences` (the folder's `reference.bin`
 * never retires). Fewer than needed, or none, when the others are all in use.
 *
 * @example
 * ```ts
 * referencesToRetire(references, usage, "v/reference.bin", 4); // ["v/.dg-refs/…/reference.bin"]
 * ```
 */
export function referencesToRetire<T extends ReferenceCandidate>(
  references: readonly T[],
  usage: ReadonlyMap<string, number>,
  primaryKey: string,
  maxReferences: number,
): T[] {
  const excess = references.length + 1 - maxReferences;
  if (excess <= 0) return [];
  return references
    .filter((r) => r.key !== primaryKey && (usage.get(r.key) ?? 0) === 0)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .slice(0, excess);
}
