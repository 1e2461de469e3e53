/** Environment variables whose values must never reach the terminal. */
const SECRET_VARIABLES = [
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "DG_CACHE_ENCRYPTION_KEY",
] as const;

/**
 * Build a function that masks the values of secret environment variables (AWS secret key,
 * session token, cache encryption key) in text about to be printed.
 *
 * @example
 * ```ts
 * const redact = createRedactor({ AWS_SECRET_ACCESS_KEY: "abcd1234efgh" });
 * redact("key abcd1234efgh"); // "key ****"
 * ```
 */
export function createRedactor(
  env: Readonly<Record<string, string | undefined>>,
): (text: string) => string {
  const secrets = SECRET_VARIABLES.map((name) => env[name])
    .filter((value): value is string => value !== undefined && value.length >= 6)
    .sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const secret of secrets) result = result.split(secret).join("****");
    return result;
  };
}
