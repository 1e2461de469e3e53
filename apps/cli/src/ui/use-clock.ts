import { useEffect, useState } from "react";

/**
 * The current time in ms, redrawn once a second so that rates and ETAs move even when no
 * bytes arrive. A `fixed` time (tests) never changes.
 *
 * @example
 * ```tsx
 * const now = useClock(props.now);
 * ```
 */
export function useClock(fixed?: number): number {
  const [now, setNow] = useState(() => fixed ?? Date.now());
  useEffect(() => {
    if (fixed !== undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [fixed]);
  return fixed ?? Math.max(now, Date.now());
}
