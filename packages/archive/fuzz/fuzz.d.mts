// Types of fuzz.mjs for the TypeScript test that runs it.
export interface FuzzFailure {
  readonly seed: number;
  readonly base: string;
  readonly mutation: string;
  readonly failure: "hang" | "crash" | "memory" | "wrong output";
  readonly detail: string;
  readonly kept?: string;
}

export interface FuzzReport {
  readonly counts: { readonly cases: number; readonly errors: number; readonly intact: number };
  readonly failures: readonly FuzzFailure[];
  /** Files the decoders left in their temporary folder. */
  readonly leftovers: readonly string[];
  readonly bases: readonly string[];
}

export function runFuzz(options: {
  readonly cases: number;
  readonly seed?: number;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly maxRssBytes?: number;
  readonly keepDir?: string;
  readonly onCase?: (counts: FuzzReport["counts"], failures: readonly FuzzFailure[]) => void;
}): Promise<FuzzReport>;
