import { Box, Text } from "ink";
import { OverallProgress } from "./OverallProgress.js";
import type { ProgressSnapshot } from "./progress-store.js";
import { TransferLog } from "./TransferLog.js";

export interface TransferProgressProps {
  readonly snapshot: ProgressSnapshot;
  /** Current time in ms (a prop, so tests draw a fixed frame). */
  readonly now: number;
  readonly title?: string;
  /** Whether the batch is over (the live part is then drawn one last time, complete). */
  readonly done?: boolean;
  readonly width?: number;
}

/**
 * The progress screen of `cp`, `sync` and `migrate`: finished lines scroll above, a live
 * block below with files, bytes, rate, ETA and savings so far, and the files in flight.
 */
export function TransferProgress({
  snapshot,
  now,
  title,
  done,
  width = 80,
}: TransferProgressProps) {
  const { totals } = snapshot;
  return (
    <>
      <TransferLog lines={snapshot.lines} />
      {totals.filesPlanned > 0 ? (
        <Box flexDirection="column">
          {title ? <Text bold>{title}</Text> : null}
          <OverallProgress totals={totals} now={now} width={width} done={done === true} />
          {done
            ? null
            : snapshot.active.slice(0, 6).map((transfer) => (
                <Text key={transfer.id} dimColor wrap="truncate-middle">
                  {"  "}
                  {transfer.label}
                  {transfer.bytes ? ` ${Math.floor((transfer.done / transfer.bytes) * 100)}%` : ""}
                </Text>
              ))}
        </Box>
      ) : null}
    </>
  );
}
