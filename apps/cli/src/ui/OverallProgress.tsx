import { Text } from "ink";
import { humanSize, oneDecimal } from "../lib/format.js";
import { formatDuration, formatRate, progressBar, progressFigures } from "./progress-format.js";
import type { TransferTotals } from "./reporter.js";

/**
 * The one line of a batch's progress: bar, files, bytes, rate, ETA, savings so far, failures.
 * `done` shows ETA 0:00.
 */
export function OverallProgress(props: {
  readonly totals: TransferTotals;
  readonly now: number;
  readonly width: number;
  readonly done?: boolean;
}) {
  const { totals, now, width, done } = props;
  const figures = progressFigures(totals, now);
  const finished = totals.filesDone + totals.filesFailed;
  // The figures take about 80 columns; the bar gets what is left (10 to 30 cells).
  const barWidth = Math.max(10, Math.min(30, width - 82));
  const bytes =
    totals.bytesPlanned === undefined
      ? humanSize(totals.bytesDone)
      : `${humanSize(totals.bytesDone)} / ${humanSize(totals.bytesPlanned)}`;
  return (
    <Text wrap="truncate-end">
      <Text color="cyan">{progressBar(figures.fraction, barWidth)}</Text>
      {`  ${finished}/${totals.filesPlanned} files  ${bytes}  ${formatRate(figures.rate)}  ETA ${done ? "0:00" : formatDuration(figures.etaSeconds)}`}
      {figures.savedPercent === undefined ? null : (
        <Text color="green">{`  saved ${oneDecimal(figures.savedPercent)}%`}</Text>
      )}
      {totals.filesFailed > 0 ? <Text color="red">{`  ${totals.filesFailed} failed`}</Text> : null}
    </Text>
  );
}
