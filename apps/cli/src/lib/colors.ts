/** ANSI styles that collapse to plain text when colour is off. */
export interface Colors {
  readonly enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

function style(enabled: boolean, open: number, close: number): (text: string) => string {
  return enabled ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

/**
 * ANSI colour helpers; all identity functions when `enabled` is false (`NO_COLOR`).
 *
 * @example
 * ```ts
 * const c = createColors(false);
 * c.green("ok"); // "ok"
 * ```
 */
export function createColors(enabled: boolean): Colors {
  return {
    enabled,
    red: style(enabled, 31, 39),
    green: style(enabled, 32, 39),
    yellow: style(enabled, 33, 39),
    cyan: style(enabled, 36, 39),
    dim: style(enabled, 2, 22),
    bold: style(enabled, 1, 22),
  };
}
