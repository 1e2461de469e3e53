import {
  hasControlCharacter,
  isDgError,
  type ObjectHeaders,
  OBJECT_HEADER_FIELDS,
  userMetadataToStore,
} from "@dg/sdk/common";
import { UsageError } from "./errors.js";
import { type FlagValue, singleFlag as single } from "./flag-values.js";

/** `--metadata-directive`: keep the source's fields on an S3 → S3 copy, or replace them. */
export type MetadataDirective = "COPY" | "REPLACE";

export const METADATA_DIRECTIVES: readonly MetadataDirective[] = ["COPY", "REPLACE"];

/** The object fields asked for on the command line (all optional; none given: `{}`). */
export interface ObjectFields {
  readonly contentType?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly headers?: ObjectHeaders;
  /** Only for S3 → S3 copies. */
  readonly metadataDirective?: MetadataDirective;
}

/** The flags as yargs parses them (camel-cased). */
export interface ObjectFieldFlags {
  readonly contentType?: FlagValue;
  readonly cacheControl?: FlagValue;
  readonly contentDisposition?: FlagValue;
  readonly contentEncoding?: FlagValue;
  readonly contentLanguage?: FlagValue;
  readonly expires?: FlagValue;
  readonly metadata?: FlagValue;
  readonly metadataDirective?: FlagValue;
}

const FLAG_OF_HEADER: Readonly<Record<(typeof OBJECT_HEADER_FIELDS)[number], string>> = {
  cacheControl: "--cache-control",
  contentDisposition: "--content-disposition",
  contentEncoding: "--content-encoding",
  contentLanguage: "--content-language",
  expires: "--expires",
};

// An HTTP header name is a "token" (RFC 9110): user metadata keys travel as x-amz-meta-<key>.
const HEADER_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

const METADATA_HINT =
  'Write --metadata key=value,key2=value2 or as a JSON object: --metadata \'{"key":"value"}\'.';

function checkMetadataKey(key: string, text: string): void {
  if (!HEADER_TOKEN.test(key)) {
    throw new UsageError(
      key === ""
        ? `--metadata has an entry without a key: ${text}`
        : `--metadata key ${JSON.stringify(key)} is not a valid header name`,
      {
        hint: "Metadata keys are letters, digits and - _ . (no spaces, no = or :).",
      },
    );
  }
}

function parseMetadataJson(text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--metadata is not valid JSON: ${(error as Error).message}`, {
      hint: METADATA_HINT,
      cause: error,
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError("--metadata JSON must be an object of string values", {
      hint: METADATA_HINT,
    });
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== "string") {
      throw new UsageError(`--metadata value of ${JSON.stringify(key)} must be a string`, {
        hint: 'Quote it: {"build":"42"}.',
      });
    }
    out[key] = value;
  }
  return out;
}

function parseMetadataShorthand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of text.split(",")) {
    const equals = entry.indexOf("=");
    if (equals === -1) {
      throw new UsageError(`--metadata entry ${JSON.stringify(entry)} has no =`, {
        hint: `${METADATA_HINT} A value holding a comma needs the JSON form.`,
      });
    }
    const key = entry.slice(0, equals).trim();
    checkMetadataKey(key, text);
    out[key] = entry.slice(equals + 1);
  }
  return out;
}

/**
 * Parse `--metadata` as aws takes it: `key=value,key2=value2` shorthand, or a JSON object of
 * strings. Keys are lower-cased (as S3 stores them); a key given twice, a key that is not a
 * header name, and deltaglider's own keys (`dg-*` and the legacy names) are usage errors.
 *
 * @example
 * ```ts
 * parseMetadataArg("build=42,Branch=main"); // { build: "42", branch: "main" }
 * parseMetadataArg('{"note":"a, b"}');      // { note: "a, b" }
 * ```
 */
export function parseMetadataArg(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed === "") {
    throw new UsageError("--metadata is empty", { hint: METADATA_HINT });
  }
  // aws tells JSON from shorthand by its first character too.
  const parsed = /^[[{]/.test(trimmed) ? parseMetadataJson(trimmed) : parseMetadataShorthand(text);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    checkMetadataKey(key, text);
    const lower = key.toLowerCase();
    if (lower in out) {
      throw new UsageError(`--metadata gives the key ${JSON.stringify(lower)} twice`, {
        hint: "Keys are not case-sensitive (S3 lower-cases them); give each once.",
      });
    }
    out[lower] = value;
  }
  try {
    return userMetadataToStore(out);
  } catch (error) {
    if (isDgError(error)) {
      throw new UsageError(`--metadata: ${error.message}`, {
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        cause: error,
      });
    }
    throw error;
  }
}

// ISO 8601 as aws takes it: a date, optionally a time (seconds and fraction optional) and a zone.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parse `--expires`: an ISO 8601 date or date-time (`2030-01-01`, `2030-01-01T12:00:00Z`,
 * `2030-01-01T12:00:00+02:00`); without a zone it is UTC (as aws reads it). A date that does
 * not exist (`2030-02-30`) is refused rather than rolled over. A fraction of a second is
 * dropped, as S3 keeps whole seconds.
 *
 * @example
 * ```ts
 * parseExpiresArg("2030-01-01T12:00:00+02:00").toISOString(); // "2030-01-01T10:00:00.000Z"
 * ```
 */
export function parseExpiresArg(text: string): Date {
  const trimmed = text.trim();
  const match = ISO_8601.exec(trimmed);
  const refuse = () =>
    new UsageError(`--expires is not an ISO 8601 date and time: ${text}`, {
      hint: "Write it as 2030-01-01T00:00:00Z (a time without a zone is UTC).",
    });
  if (match === null) throw refuse();
  const [, year, month, day, hour, minute, second, zone] = match;
  const fields = [Number(year), Number(month), Number(day)] as const;
  // Date.UTC rolls Feb 30 over to March: compare the date back to catch it.
  const probe = new Date(Date.UTC(fields[0], fields[1] - 1, fields[2]));
  if (
    probe.getUTCFullYear() !== fields[0] ||
    probe.getUTCMonth() !== fields[1] - 1 ||
    probe.getUTCDate() !== fields[2] ||
    Number(hour ?? 0) > 23 ||
    Number(minute ?? 0) > 59 ||
    Number(second ?? 0) > 59
  ) {
    throw refuse();
  }
  let iso = trimmed.replace(" ", "T");
  if (hour !== undefined && zone === undefined) iso += "Z";
  else if (zone !== undefined && /^[+-]\d{4}$/.test(zone)) {
    iso = `${iso.slice(0, -5)}${zone.slice(0, 3)}:${zone.slice(3)}`;
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw refuse();
  // S3 keeps Expires as an HTTP date (whole seconds): drop a fraction here so every store
  // gives back the same value.
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function checkDirective(text: string | undefined): MetadataDirective | undefined {
  if (text === undefined) return undefined;
  const upper = text.toUpperCase();
  if (upper === "COPY" || upper === "REPLACE") return upper;
  throw new UsageError(`--metadata-directive must be COPY or REPLACE, not ${text}`, {
    hint: "COPY keeps the source's metadata and headers; REPLACE uses only the flags given.",
  });
}

/**
 * Check the object-field flags and gather them, before anything is transferred: every bad
 * value is a {@link UsageError} (exit 2).
 *
 * @example
 * ```ts
 * objectFieldsFrom({ contentType: "application/zip", metadata: "build=42" });
 * // { contentType: "application/zip", metadata: { build: "42" } }
 * ```
 */
export function objectFieldsFrom(flags: ObjectFieldFlags): ObjectFields {
  const headers: { -readonly [K in keyof ObjectHeaders]: ObjectHeaders[K] } = {};
  for (const field of OBJECT_HEADER_FIELDS) {
    const value = single(FLAG_OF_HEADER[field], flags[field]);
    if (value === undefined) continue;
    if (field === "expires") {
      headers.expires = parseExpiresArg(value);
    } else if (hasControlCharacter(value)) {
      throw new UsageError(`${FLAG_OF_HEADER[field]} holds a control character`, {
        hint: "Header values are single-line text.",
      });
    } else {
      headers[field] = value;
    }
  }
  const contentType = single("--content-type", flags.contentType);
  if (
    contentType !== undefined &&
    (contentType.trim() === "" || hasControlCharacter(contentType))
  ) {
    throw new UsageError(`--content-type is not a media type: ${JSON.stringify(contentType)}`, {
      hint: "Pass e.g. --content-type application/zip.",
    });
  }
  const directive = checkDirective(single("--metadata-directive", flags.metadataDirective));
  const metadata = single("--metadata", flags.metadata);
  return {
    ...(contentType === undefined ? {} : { contentType }),
    ...(metadata === undefined ? {} : { metadata: parseMetadataArg(metadata) }),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
    ...(directive === undefined ? {} : { metadataDirective: directive }),
  };
}

/** Whether any field (content type, metadata or a header) was given. */
export function hasObjectFields(fields: ObjectFields): boolean {
  return (
    fields.contentType !== undefined ||
    fields.metadata !== undefined ||
    fields.headers !== undefined
  );
}

/**
 * The directive an S3 → S3 copy runs with, as aws picks it: the one given, else `REPLACE`
 * when `--metadata` is given, else `COPY`.
 */
export function copyDirectiveOf(fields: ObjectFields): MetadataDirective {
  return fields.metadataDirective ?? (fields.metadata === undefined ? "COPY" : "REPLACE");
}

/**
 * The warning for an S3 → S3 copy whose field flags are ignored (the directive is `COPY`:
 * the source's fields are kept, as S3 and aws do), or `undefined`.
 */
export function ignoredCopyFieldsWarning(fields: ObjectFields): string | undefined {
  if (!hasObjectFields(fields) || copyDirectiveOf(fields) === "REPLACE") return undefined;
  return "S3 to S3 copies keep the source's content type, metadata and headers: the field flags given are ignored (add --metadata-directive REPLACE to set them)";
}
