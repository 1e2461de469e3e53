import { Text } from "ink";
import type { ItemStatus } from "./state.js";

const GLYPHS = { running: "…", ok: "✓", error: "✗" } as const;
const COLORS = { running: "cyan", ok: "green", error: "red" } as const;

/** Two columns beside a row: how its last action went (✓, ✗, … while running), or blank. */
export function StatusMark({ status }: { readonly status: ItemStatus | undefined }) {
  if (!status) return <Text>{"  "}</Text>;
  return <Text color={COLORS[status.tone]}>{` ${GLYPHS[status.tone]}`}</Text>;
}
