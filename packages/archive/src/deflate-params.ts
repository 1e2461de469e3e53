/** zlib deflate settings that, with the same engine, reproduce a deflate stream. */
export interface DeflateParams {
  /** 1..9 (level 0 output depends on how input is fed, so it is never used). */
  readonly level: number;
  /** 1..9 */
  readonly memLevel: number;
  /** 9..15 (raw deflate; 8 is promoted to 9 by zlib). */
  readonly windowBits: number;
  /** 0 default, 1 filtered, 2 Huffman only, 3 RLE, 4 fixed. */
  readonly strategy: number;
}

const LEVELS = [9, 6, 1, 2, 3, 4, 5, 7, 8] as const;
const MEM_LEVELS = [8, 9, 7, 6, 5, 4, 3, 2, 1] as const;

/** Whether the settings are ones this package can replay (level 1..9, and so on). */
export function isValidParams(p: DeflateParams): boolean {
  return (
    Number.isInteger(p.level) &&
    p.level >= 1 &&
    p.level <= 9 &&
    Number.isInteger(p.memLevel) &&
    p.memLevel >= 1 &&
    p.memLevel <= 9 &&
    Number.isInteger(p.windowBits) &&
    p.windowBits >= 9 &&
    p.windowBits <= 15 &&
    Number.isInteger(p.strategy) &&
    p.strategy >= 0 &&
    p.strategy <= 4
  );
}

/** A short stable name, e.g. `9/8/15/0`. */
export function paramsKey(p: DeflateParams): string {
  return `${p.level}/${p.memLevel}/${p.windowBits}/${p.strategy}`;
}

/**
 * The settings to try, most likely first: zlib's defaults with each level (what zlib-made
 * gzip and zip files almost always use), then other memory levels, smaller windows, and the
 * other strategies. About 150 candidates, each rejected early in practice.
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
  for (const level of LEVELS) add({ level, memLevel: 8, windowBits: 15, strategy: 0 });
  for (const memLevel of MEM_LEVELS) {
    for (const level of LEVELS) add({ level, memLevel, windowBits: 15, strategy: 0 });
  }
  for (let windowBits = 14; windowBits >= 9; windowBits--) {
    for (const level of LEVELS) add({ level, memLevel: 8, windowBits, strategy: 0 });
  }
  for (const level of LEVELS) add({ level, memLevel: 8, windowBits: 15, strategy: 1 });
  for (const level of LEVELS) add({ level, memLevel: 8, windowBits: 15, strategy: 4 });
  // Huffman-only and RLE ignore the level; their block sizes still follow memLevel.
  for (const strategy of [2, 3]) {
    for (const memLevel of [8, 9]) add({ level: 6, memLevel, windowBits: 15, strategy });
  }
  return out;
}
