import { Box, Static, Text } from "ink";
import { humanSize, oneDecimal } from "../lib/format.js";
import { formatDuration, formatRate, progressBar, progressFigures } from "./progress-format.js";
import type { ProgressLine, ProgressSnapshot } from "./progress-store.js";

export interface TransferProgressProps {
  readonly snapshot: ProgressSnapshot;
  /** Current time in ms (a prop, so tests draw a fixed frame). */
  readonly now: number;
  readonly title?: string;
  /** Whether the batch is over (the live part is then drawn one last time, complete). */
  readonly done?: boolean;
  readonly width?: number;
}

function lineColor(tone: ProgressLine["tone"]): { color?: string } {
  return tone === "error" ? { color: "red" } : {};
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
  const figures = progressFigures(totals, now);
  const finished = totals.filesDone + totals.filesFailed;
  // The figures take about 80 columns; the bar gets what is left (10 to 30 cells).
  const barWidth = Math.max(10, Math.min(30, width - 82));
  const bytes =
    totals.bytesPlanned === undefined
      ? humanSize(totals.bytesDone)
      : `${humanSize(totals.bytesDone)} / ${humanSize(totals.bytesPlanned)}`;
  return (
    <>
      <Static items={[...snapshot.lines]}>
        {(line, index) => (
          <Text key={`${line.id}-${index}`} {...lineColor(line.tone)}>
            {line.text}
          </Text>
        )}
      </Static>
      {totals.filesPlanned > 0 ? (
        <Box flexDirection="column">
          {title ? <Text bold>{title}</Text> : null}
          <Text wrap="truncate-end">
            <Text color="cyan">{progressBar(figures.fraction, barWidth)}</Text>
            {`  ${finished}/${totals.filesPlanned} files  ${bytes}  ${formatRate(figures.rate)}  ETA ${done ? "0:00" : formatDuration(figures.etaSeconds)}`}
            {figures.savedPercent === undefined ? null : (
              <Text color="green">{`  saved ${oneDecimal(figures.savedPercent)}%`}</Text>
            )}
            {totals.filesFailed > 0 ? (
              <Text color="red">{`  ${totals.filesFailed} failed`}</Text>
            ) : null}
          </Text>
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
