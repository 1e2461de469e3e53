import { Text } from "ink";
import type { ReactNode } from "react";
import type { LoadState } from "./state.js";

/** What is loading and how far it got, as one line of text. */
export function loadingLine(load: LoadState, what: string): string {
  if (load.status !== "loading") return "";
  const count = load.seen.toLocaleString("en-US");
  if (load.phase === "listing") return `Listing ${what}: ${count} stored objects seen`;
  if (load.phase === "computing") return `Computing the figures of ${what} (${count} objects)`;
  const total = (load.total ?? 0).toLocaleString("en-US");
  return `Reading ${what}: ${count} of ${total} objects`;
}

/** One line of the screen, cut at the terminal's edge instead of wrapping. */
export function Line(props: { readonly children: ReactNode; readonly dim?: boolean }) {
  return (
    <Text wrap="truncate-end" dimColor={props.dim === true}>
      {props.children}
    </Text>
  );
}
