import { useStdout } from "ink";
import { useEffect, useState } from "react";

/** Columns and rows of a terminal. */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

function sizeOf(stream: { readonly columns?: number; readonly rows?: number }): TerminalSize {
  // A stream that is not a terminal has no size: draw for the classic 80×24.
  return { columns: stream.columns || 80, rows: stream.rows || 24 };
}

/**
 * The size of the terminal Ink draws in, updated when it is resized.
 *
 * @example
 * ```tsx
 * const { columns, rows } = useTerminalSize();
 * ```
 */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on("resize", onResize);
    // A resize between the first frame and this effect would otherwise go unseen.
    onResize();
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return size;
}
