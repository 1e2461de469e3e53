import { Text } from "ink";
import { Spinner } from "./Spinner.js";

export interface StatsProgressProps {
  readonly location: string;
  readonly phase: "listing" | "computing";
  readonly objects: number;
  /** Animate the spinner (off in tests, for a fixed frame). */
  readonly animate?: boolean;
}

/** One line while `stats` works: what it is doing, and how many stored objects it has seen. */
export function StatsProgress({ location, phase, objects, animate = true }: StatsProgressProps) {
  const doing = phase === "listing" ? "Reading the listing of" : "Computing the figures of";
  return (
    <Text>
      <Spinner animate={animate} /> {doing} {location}{" "}
      <Text dimColor>({objects.toLocaleString("en-US")} stored objects seen)</Text>
    </Text>
  );
}
