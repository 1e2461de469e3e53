import { Text } from "ink";
import { useEffect, useState } from "react";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface StatsProgressProps {
  readonly location: string;
  readonly phase: "listing" | "computing";
  readonly objects: number;
  /** Animate the spinner (off in tests, for a fixed frame). */
  readonly animate?: boolean;
}

/** One line while `stats` works: what it is doing, and how many stored objects it has seen. */
export function StatsProgress({ location, phase, objects, animate = true }: StatsProgressProps) {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!animate) return;
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 100);
    return () => clearInterval(timer);
  }, [animate]);
  const doing = phase === "listing" ? "Reading the listing of" : "Computing the figures of";
  return (
    <Text>
      <Text color="cyan">{FRAMES[frame]}</Text> {doing} {location}{" "}
      <Text dimColor>({objects.toLocaleString("en-US")} stored objects seen)</Text>
    </Text>
  );
}
