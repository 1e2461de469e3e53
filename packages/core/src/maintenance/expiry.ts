const EXPIRY =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parse a `dg-expires-at` value as the Python tool writes it: ISO 8601 from
 * `datetime.isoformat()`, usually naive (no zone, meaning UTC), sometimes with `Z` or an offset
 * such as `+00:00` or `+0200`. Returns `undefined` for anything else.
 *
 * @example
 * ```ts
 * parseExpiry("2026-11-25T16:25:14.657329"); // 2026-11-25T16:25:14.657Z
 * parseExpiry("2026-11-25T18:25:14+02:00"); // 2026-11-25T16:25:14.000Z
 * ```
 */
export function parseExpiry(text: string): Date | undefined {
  const match = EXPIRY.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const ms = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const utc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second ?? 0),
    ms,
  );
  const parsed = new Date(utc);
  // Date.UTC rolls 2026-02-31 over to March: refuse what is not a real calendar time.
  if (
    parsed.getUTCMonth() !== Number(month) - 1 ||
    parsed.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second ?? 0) > 59
  ) {
    return undefined;
  }
  return new Date(utc - offsetMinutes(zone) * 60_000);
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0"));
}
