import { IntegrityError, InvalidArgumentError } from "../errors.js";
import { baseName, DELTA_SUFFIX, isReferenceKey } from "./deltaspace.js";

/** Every metadata field deltaglider reads, with its spellings in priority order (§2.6). */
export const METADATA_ALIASES = {
  tool: ["dg-tool", "dg_tool", "tool"],
  originalName: ["dg-original-name", "dg_original_name", "original_name", "original-name"],
  fileSha256: ["dg-file-sha256", "dg_file_sha256", "file_sha256", "file-sha256"],
  fileSize: ["dg-file-size", "dg_file_size", "file_size", "file-size"],
  createdAt: ["dg-created-at", "dg_created_at", "created_at", "created-at"],
  refKey: ["dg-ref-key", "dg_ref_key", "ref_key", "ref-key"],
  refSha256: ["dg-ref-sha256", "dg_ref_sha256", "ref_sha256", "ref-sha256"],
  deltaSize: ["dg-delta-size", "dg_delta_size", "delta_size", "delta-size"],
  deltaCmd: ["dg-delta-cmd", "dg_delta_cmd", "delta_cmd", "delta-cmd"],
  note: ["dg-note", "dg_note", "note"],
  compression: ["dg-compression", "dg_compression", "compression"],
  sourceName: ["dg-source-name", "dg_source_name", "source_name", "source-name"],
  deltaFormat: ["dg-delta-format"],
  sketch: ["dg-sketch"],
  directReason: ["dg-direct-reason"],
} as const satisfies Record<string, readonly string[]>;

export type MetadataField = keyof typeof METADATA_ALIASES;
export type Metadata = Readonly<Record<string, string>>;

const ALL_ALIASES: ReadonlySet<string> = new Set(Object.values(METADATA_ALIASES).flat());

/**
 * Why a file was stored whole (a direct object) instead of as a delta:
 * - `delta-disabled`: the upload asked for no delta (`--no-delta`, `UseDelta: false`);
 * - `not-eligible`: a file type that is never delta-encoded (by its name's extension);
 * - `empty`: a file of 0 bytes;
 * - `max-ratio`: its best delta was larger than `max-ratio` × its size (and it could not
 *   become a new reference of its folder);
 * - `reference-changed`: the folder's reference changed while its delta was written, so the
 *   delta could not be kept.
 *
 * Recorded on the object as `dg-direct-reason` (ours; the Python DeltaGlider reads its
 * aliases only and ignores the key), so tools can tell it later.
 */
export const DIRECT_REASONS = [
  "delta-disabled",
  "not-eligible",
  "empty",
  "max-ratio",
  "reference-changed",
] as const;

export type DirectReason = (typeof DIRECT_REASONS)[number];

/**
 * The reason recorded on a direct object (`dg-direct-reason`), or `undefined` when none is
 * recorded (the Python tool's objects, ours before the key existed) or the value is unknown.
 *
 * @example
 * ```ts
 * directReasonOf({ "dg-compression": "none", "dg-direct-reason": "max-ratio" }); // "max-ratio"
 * ```
 */
export function directReasonOf(metadata: Metadata): DirectReason | undefined {
  const value = readField(metadata, "directReason");
  return DIRECT_REASONS.find((reason) => reason === value);
}

/** The note written on the zero-diff delta that accompanies a new reference. */
export const ZERO_DIFF_NOTE = "zero-diff (reference identical)";

/** The first non-empty value among a field's aliases, or `undefined`. */
export function readField(metadata: Metadata, field: MetadataField): string | undefined {
  for (const alias of METADATA_ALIASES[field]) {
    const value = metadata[alias];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

/** What a stored object is, judged by its key and metadata. */
export type StoredObjectKind = "reference" | "delta" | "direct" | "foreign";

/**
 * Classify a stored object. Objects without a file SHA-256 are foreign (written by something
 * else, or raw `--no-delta` uploads) and are read as they are.
 *
 * @example
 * ```ts
 * classifyStoredObject("v1/reference.bin", { "dg-file-sha256": "…", "dg-note": "reference" }); // "reference"
 * ```
 */
export function classifyStoredObject(key: string, metadata: Metadata): StoredObjectKind {
  if (readField(metadata, "fileSha256") === undefined) return "foreign";
  if (readField(metadata, "compression") === "none") return "direct";
  if (readField(metadata, "refKey") !== undefined) return "delta";
  if (isReferenceKey(key)) return "reference";
  if (key.endsWith(DELTA_SUFFIX)) return "delta";
  return "foreign";
}

/** Metadata of a delta object, parsed and checked. */
export interface DeltaMetadata {
  readonly tool: string;
  readonly originalName: string;
  readonly fileSha256: string;
  readonly fileSize: number;
  readonly createdAt: Date;
  readonly refKey: string;
  readonly refSha256: string;
  readonly deltaSize: number;
  readonly deltaCmd?: string;
  readonly note?: string;
  readonly deltaFormat?: string;
}

/** Metadata of a directly stored object. */
export interface DirectMetadata {
  readonly tool?: string;
  readonly originalName?: string;
  readonly fileSha256: string;
  readonly fileSize?: number;
  readonly createdAt?: Date;
}

/** Metadata of a reference object. */
export interface ReferenceMetadata {
  readonly tool?: string;
  readonly sourceName?: string;
  readonly fileSha256: string;
  readonly createdAt?: Date;
}

const SHA256_PATTERN = /^[0-9a-f]{64}$/;
const INTEGER_PATTERN = /^\d{1,16}$/;

function damaged(where: string, field: MetadataField, problem: string): IntegrityError {
  return new IntegrityError(`Metadata of ${where} ${problem}: ${METADATA_ALIASES[field][0]}`, {
    hint: "The object's deltaglider metadata is missing or damaged; it was not written by a compatible tool, or was edited.",
  });
}

function required(metadata: Metadata, field: MetadataField, where: string): string {
  const value = readField(metadata, field);
  if (value === undefined) throw damaged(where, field, "lacks");
  return value;
}

function sha(metadata: Metadata, field: MetadataField, where: string): string {
  const value = required(metadata, field, where).toLowerCase();
  if (!SHA256_PATTERN.test(value)) throw damaged(where, field, "has a malformed SHA-256 in");
  return value;
}

function integer(value: string, field: MetadataField, where: string): number {
  if (!INTEGER_PATTERN.test(value)) throw damaged(where, field, "has a malformed number in");
  return Number(value);
}

function optionalInteger(metadata: Metadata, field: MetadataField, where: string) {
  const value = readField(metadata, field);
  return value === undefined ? undefined : integer(value, field, where);
}

function optionalDate(metadata: Metadata, where: string): Date | undefined {
  const value = readField(metadata, "createdAt");
  return value === undefined ? undefined : parseTimestamp(value, where);
}

/**
 * Parse a delta object's metadata, with every legacy alias. Missing or garbled values are an
 * `IntegrityError` naming the object and the field.
 */
export function parseDeltaMetadata(where: string, metadata: Metadata): DeltaMetadata {
  const deltaCmd = readField(metadata, "deltaCmd");
  const note = readField(metadata, "note");
  const deltaFormat = readField(metadata, "deltaFormat");
  return {
    tool: required(metadata, "tool", where),
    originalName: required(metadata, "originalName", where),
    fileSha256: sha(metadata, "fileSha256", where),
    fileSize: integer(required(metadata, "fileSize", where), "fileSize", where),
    createdAt: parseTimestamp(required(metadata, "createdAt", where), where),
    refKey: required(metadata, "refKey", where),
    refSha256: sha(metadata, "refSha256", where),
    deltaSize: integer(required(metadata, "deltaSize", where), "deltaSize", where),
    ...(deltaCmd === undefined ? {} : { deltaCmd }),
    ...(note === undefined ? {} : { note }),
    ...(deltaFormat === undefined ? {} : { deltaFormat }),
  };
}

/** Parse a direct object's metadata. Only the SHA-256 is required. */
export function parseDirectMetadata(where: string, metadata: Metadata): DirectMetadata {
  const tool = readField(metadata, "tool");
  const originalName = readField(metadata, "originalName");
  const fileSize = optionalInteger(metadata, "fileSize", where);
  const createdAt = optionalDate(metadata, where);
  return {
    fileSha256: sha(metadata, "fileSha256", where),
    ...(tool === undefined ? {} : { tool }),
    ...(originalName === undefined ? {} : { originalName }),
    ...(fileSize === undefined ? {} : { fileSize }),
    ...(createdAt === undefined ? {} : { createdAt }),
  };
}

/** Parse a reference object's metadata. Only the SHA-256 is required. */
export function parseReferenceMetadata(where: string, metadata: Metadata): ReferenceMetadata {
  const tool = readField(metadata, "tool");
  const sourceName = readField(metadata, "sourceName");
  const createdAt = optionalDate(metadata, where);
  return {
    fileSha256: sha(metadata, "fileSha256", where),
    ...(tool === undefined ? {} : { tool }),
    ...(sourceName === undefined ? {} : { sourceName }),
    ...(createdAt === undefined ? {} : { createdAt }),
  };
}

const TIMESTAMP_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;

/** Parse an ISO 8601 timestamp as written by either tool (a missing zone means UTC). */
export function parseTimestamp(value: string, where = "object"): Date {
  const match = TIMESTAMP_PATTERN.exec(value);
  if (!match) throw damaged(where, "createdAt", "has a malformed timestamp in");
  const fraction = (match[2] ?? "").slice(0, 4); // keep milliseconds
  const date = new Date(`${match[1]}${fraction}${match[3] ?? "Z"}`);
  if (Number.isNaN(date.getTime()))
    throw damaged(where, "createdAt", "has an invalid timestamp in");
  return date;
}

/**
 * Format a timestamp as the Python tool does: naive UTC with microseconds (omitted when
 * zero), with a trailing `Z` on references and deltas and without on direct uploads.
 */
export function formatTimestamp(date: Date, withZone: boolean): string {
  const iso = date.toISOString(); // 2026-11-25T16:25:14.657Z
  const seconds = iso.slice(0, 19);
  const millis = date.getUTCMilliseconds();
  const fraction = millis === 0 ? "" : `.${String(millis).padStart(3, "0")}000`;
  return `${seconds}${fraction}${withZone ? "Z" : ""}`;
}

/** `deltaglider-ts/<version>`. */
export function toolName(version: string): string {
  return `deltaglider-ts/${version}`;
}

export function referenceMetadata(input: {
  readonly tool: string;
  readonly sourceName: string;
  readonly sha256: string;
  readonly createdAt: Date;
  /** Its similarity sketch (`encodeSketch`), read when choosing among a folder's references. */
  readonly sketch?: string;
}): Record<string, string> {
  return {
    "dg-tool": input.tool,
    "dg-source-name": input.sourceName,
    "dg-file-sha256": input.sha256,
    "dg-created-at": formatTimestamp(input.createdAt, true),
    "dg-note": "reference",
    ...(input.sketch === undefined ? {} : { "dg-sketch": input.sketch }),
  };
}

export function deltaMetadata(input: {
  readonly tool: string;
  readonly originalName: string;
  readonly sha256: string;
  readonly size: number;
  readonly createdAt: Date;
  readonly refKey: string;
  readonly refSha256: string;
  readonly deltaSize: number;
  readonly note?: string;
  readonly deltaFormat?: string;
}): Record<string, string> {
  return {
    "dg-tool": input.tool,
    "dg-original-name": input.originalName,
    "dg-file-sha256": input.sha256,
    "dg-file-size": String(input.size),
    "dg-created-at": formatTimestamp(input.createdAt, true),
    "dg-ref-key": input.refKey,
    "dg-ref-sha256": input.refSha256,
    "dg-delta-size": String(input.deltaSize),
    "dg-delta-cmd": `xdelta3 -e -9 -s reference.bin ${input.originalName} ${input.originalName}.delta`,
    ...(input.note === undefined ? {} : { "dg-note": input.note }),
    ...(input.deltaFormat === undefined ? {} : { "dg-delta-format": input.deltaFormat }),
  };
}

/**
 * Metadata of a direct object: the Python tool's keys, plus `dg-direct-reason` when the
 * reason is given.
 */
export function directMetadata(input: {
  readonly tool: string;
  readonly originalName: string;
  readonly sha256: string;
  readonly size: number;
  readonly createdAt: Date;
  readonly reason?: DirectReason;
}): Record<string, string> {
  return {
    "dg-tool": input.tool,
    "dg-original-name": input.originalName,
    "dg-file-sha256": input.sha256,
    "dg-file-size": String(input.size),
    "dg-created-at": formatTimestamp(input.createdAt, false),
    "dg-compression": "none",
    ...(input.reason === undefined ? {} : { "dg-direct-reason": input.reason }),
  };
}

function isReservedMetadataKey(key: string): boolean {
  const lower = key.toLowerCase();
  return lower.startsWith("dg-") || lower.startsWith("dg_") || ALL_ALIASES.has(lower);
}

/**
 * Check user metadata before it is stored beside the `dg-*` keys: keys are lower-cased (as
 * S3 does), and keys deltaglider reads itself (`dg-*`, `dg_*` and the legacy names such as
 * `file_sha256` or `compression`) are refused so that they can never be confused.
 */
export function userMetadataToStore(metadata: Metadata | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (isReservedMetadataKey(key)) {
      throw new InvalidArgumentError(`Metadata key "${key}" is reserved by deltaglider`, {
        hint: "Rename it: keys starting with dg- and the legacy names (file_sha256, compression, note, …) are deltaglider's own.",
      });
    }
    out[key.toLowerCase()] = value;
  }
  return out;
}

/** The user's own metadata of a stored object: everything but deltaglider's keys. */
export function userMetadataOf(metadata: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!isReservedMetadataKey(key)) out[key] = value;
  }
  return out;
}

/** The stored name of the file a delta or direct object holds (falls back to the key's name). */
export function originalNameOf(key: string, metadata: Metadata): string {
  return readField(metadata, "originalName") ?? baseName(key).replace(/\.delta$/, "");
}
