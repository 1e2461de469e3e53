/**
 * Deflate implementations whose output can be replayed:
 * - `node-zlib`: the zlib Node.js bundles (`node:zlib`, Chromium's fork): npm tarballs and
 *   anything else Node tools deflate;
 * - `zlib`: reference zlib 1.2.x (Python, Java's jar and java.util.zip, most C programs),
 *   reimplemented in this package;
 * - `gnu`: GNU gzip's deflate, which Info-ZIP's zip shares, reimplemented in this package.
 */
export type DeflateEngine = "node-zlib" | "zlib" | "gnu";

/** Deflate settings that, with the same engine, reproduce a deflate stream. */
export interface DeflateParams {
  readonly engine: DeflateEngine;
  /** 1..9 (level 0 output depends on how input is fed, so it is never used). */
  readonly level: number;
  /** 1..9; always 8 for `gnu`. */
  readonly memLevel: number;
  /** 9..15 (raw deflate; 8 is promoted to 9 by zlib); always 15 for `gnu`. */
  readonly windowBits: number;
  /** 0 default, 1 filtered, 2 Huffman only, 3 RLE, 4 fixed; always 0 for `gnu`. */
  readonly strategy: number;
}

const LEVELS = [6, 9, 1, 2, 3, 4, 5, 7, 8] as const;
const MEM_LEVELS = [8, 9, 7, 6, 5, 4, 3, 2, 1] as const;
const ENGINES: readonly DeflateEngine[] = ["node-zlib", "zlib", "gnu"];

function inRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** Whether the settings are ones this package can replay (level 1..9, and so on). */
export function isValidParams(p: DeflateParams): boolean {
  if (!ENGINES.includes(p.engine)) return false;
  if (p.engine === "gnu") {
    return inRange(p.level, 1, 9) && p.memLevel === 8 && p.windowBits === 15 && p.strategy === 0;
  }
  return (
    inRange(p.level, 1, 9) &&
    inRange(p.memLevel, 1, 9) &&
    inRange(p.windowBits, 9, 15) &&
    inRange(p.strategy, 0, 4)
  );
}

/** A short stable name, e.g. `zlib:9/8/15/0`. */
export function paramsKey(p: DeflateParams): string {
  return `${p.engine}:${p.level}/${p.memLevel}/${p.windowBits}/${p.strategy}`;
}

function defaults(engine: DeflateEngine, level: number): DeflateParams {
  return { engine, level, memLevel: 8, windowBits: 15, strategy: 0 };
}

/**
 * The settings to try, most likely first: each engine's defaults at every level (what
 * zlib-made, Node-made, gzip-made and zip-made streams almost always use), then Node's zlib
 * with other memory levels, smaller windows and the other strategies, then reference zlib
 * with memLevel 9. About 180 candidates, each rejected early in practice.
 */
export function candidateParams(): readonly DeflateParams[] {
  const out: DeflateParams[] = [];
  const seen = new Set<string>();
  const add = (p: DeflateParams): void => {
    const key = paramsKey(p);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  for (const engine of ENGINES) for (const level of LEVELS) add(defaults(engine, level));
  const node = "node-zlib" as const;
  for (const memLevel of MEM_LEVELS) {
    for (const level of LEVELS) add({ ...defaults(node, level), memLevel });
  }
  for (let windowBits = 14; windowBits >= 9; windowBits--) {
    for (const level of LEVELS) add({ ...defaults(node, level), windowBits });
  }
  for (const strategy of [1, 4]) {
    for (const level of LEVELS) add({ ...defaults(node, level), strategy });
  }
  // Huffman-only and RLE ignore the level; their block sizes still follow memLevel.
  for (const strategy of [2, 3]) {
    for (const memLevel of [8, 9]) add({ ...defaults(node, 6), memLevel, strategy });
  }
  for (const level of LEVELS) add({ ...defaults("zlib", level), memLevel: 9 });
  return out;
}

/** How many of {@link candidateParams} are each engine's defaults (tried first). */
export const LIKELY_CANDIDATES = ENGINES.length * LEVELS.length;
