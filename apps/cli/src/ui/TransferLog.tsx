import { Static, Text } from "ink";
import type { ProgressLine } from "./progress-store.js";

/** Finished lines of a batch (`copy: a to b (…)`, failures in red), written once above the live part. */
export function TransferLog({ lines }: { readonly lines: readonly ProgressLine[] }) {
  return (
    <Static items={[...lines]}>
      {(line, index) => (
        <Text key={`${line.id}-${index}`} {...(line.tone === "error" ? { color: "red" } : {})}>
          {line.text}
        </Text>
      )}
    </Static>
  );
}
