/** One `--exclude` or `--include` flag, in command-line order. */
export interface FilterRule {
  readonly type: "exclude" | "include";
  readonly pattern: string;
}

/** A compiled filter list: `matches(relativePath)` tells whether a file takes part. */
export interface PathFilter {
  readonly rules: readonly FilterRule[];
  /** Whether the file, given by its path relative to the source folder or prefix, is included. */
  includes(relativePath: string): boolean;
}

/**
 * Turn a shell-style pattern into a regular expression with `aws s3`'s rules: `*` matches any
 * run of characters, `/` included; `?` matches one character; `[abc]`, `[a-z]` and `[!abc]`
 * match one character of (or not of) a set. Everything else is literal.
 *
 * @example
 * ```ts
 * globToRegExp("*.zip").test("dir/app.zip"); // true
 * ```
 */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === "*") {
      source += ".*";
    } else if (char === "?") {
      source += ".";
    } else if (char === "[") {
      const end = classEnd(pattern, i);
      if (end < 0) {
        source += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, end);
      let negate = false;
      if (body.startsWith("!")) {
        negate = true;
        body = body.slice(1);
      }
      const escaped = body.replace(/[\\\]^]/g, (c) => `\\${c}`);
      source += negate ? `[^${escaped}]` : `[${escaped}]`;
      i = end;
    } else {
      source += char.replace(/[.+^${}()|\\\]/]/g, (c) => `\\${c}`);
    }
  }
  return new RegExp(`^${source}$`, "s");
}

/** Index of the `]` closing the set that opens at `start`, or -1 when it is not a set. */
function classEnd(pattern: string, start: number): number {
  let j = start + 1;
  if (pattern[j] === "!") j += 1;
  // A `]` right after `[` or `[!` is a literal member.
  if (pattern[j] === "]") j += 1;
  const end = pattern.indexOf("]", j);
  return end;
}

/**
 * Compile filters. As in `aws s3`, every file is included by default, the rules are applied in
 * order, and the last rule that matches decides (so later filters take precedence).
 *
 * @example
 * ```ts
 * const filter = createPathFilter([
 *   { type: "exclude", pattern: "*" },
 *   { type: "include", pattern: "*.zip" },
 * ]);
 * filter.includes("v1/app.zip"); // true
 * filter.includes("notes.txt"); // false
 * ```
 */
export function createPathFilter(rules: readonly FilterRule[]): PathFilter {
  const compiled = rules.map((rule) => ({ type: rule.type, regex: globToRegExp(rule.pattern) }));
  return {
    rules,
    includes(relativePath) {
      let included = true;
      for (const rule of compiled) {
        if (rule.regex.test(relativePath)) included = rule.type === "include";
      }
      return included;
    },
  };
}

/**
 * Read `--exclude`/`--include` flags from the raw arguments, keeping their relative order
 * (yargs gives each flag its own array and loses it). Accepts `--exclude X` and `--exclude=X`.
 *
 * @example
 * ```ts
 * filterRulesFromArgs(["cp", "--exclude", "*", "--include=*.zip"]);
 * // [{ type: "exclude", pattern: "*" }, { type: "include", pattern: "*.zip" }]
 * ```
 */
export function filterRulesFromArgs(args: readonly string[]): FilterRule[] {
  const rules: FilterRule[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === "--") break;
    for (const type of ["exclude", "include"] as const) {
      const flag = `--${type}`;
      if (arg === flag) {
        const value = args[i + 1];
        if (value !== undefined) rules.push({ type, pattern: value });
        i += 1;
      } else if (arg.startsWith(`${flag}=`)) {
        rules.push({ type, pattern: arg.slice(flag.length + 1) });
      }
    }
  }
  return rules;
}
