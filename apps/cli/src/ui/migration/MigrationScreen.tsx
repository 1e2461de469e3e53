import { Box, Text, useInput } from "ink";
import { useSyncExternalStore } from "react";
import { directCount, directCountsText } from "../../lib/direct-reason.js";
import { humanSize, oneDecimal } from "../../lib/format.js";
import { migrationSummaryLines } from "../../lib/migration-summary.js";
import { MigrateConfirm } from "../MigrateConfirm.js";
import { OverallProgress } from "../OverallProgress.js";
import { formatDuration, formatRate, progressBar, progressFigures } from "../progress-format.js";
import { TransferLog } from "../TransferLog.js";
import { useClock } from "../use-clock.js";
import { type TerminalSize, useTerminalSize } from "../use-terminal-size.js";
import type { MigrationController, MigrationView } from "./controller.js";

export interface MigrationScreenProps {
  readonly controller: MigrationController;
  /** A fixed clock (tests); the screen otherwise ticks once a second. */
  readonly now?: number;
}

/** Failures listed in the live part (all of them are in the log above it). */
const RECENT_FAILURES = 3;

function relativeLabel(label: string, destination: string): string {
  return label.startsWith(destination) ? label.slice(destination.length) : label;
}

function ActiveFiles(props: { readonly view: MigrationView; readonly size: TerminalSize }) {
  const { view, size } = props;
  // Keep the live part inside the terminal: about 9 lines besides the files in flight.
  const room = Math.max(1, Math.min(8, size.rows - 10 - (directCount(view.direct) > 0 ? 1 : 0)));
  const active = view.progress.active.slice(0, room);
  const barWidth = Math.max(8, Math.min(24, size.columns - 60));
  const nameWidth = Math.max(12, size.columns - barWidth - 32);
  return (
    <>
      {active.map((transfer) => {
        const fraction = transfer.bytes ? transfer.done / transfer.bytes : 0;
        const name = relativeLabel(transfer.label, view.summary.destination);
        return (
          <Text key={transfer.id} wrap="truncate-end">
            {"  "}
            {name.length > nameWidth ? `…${name.slice(-(nameWidth - 1))}` : name.padEnd(nameWidth)}{" "}
            <Text color="cyan">{progressBar(fraction, barWidth)}</Text>{" "}
            {`${Math.floor(fraction * 100)}%`.padStart(4)}{" "}
            <Text dimColor>
              {humanSize(transfer.done)}
              {transfer.bytes === undefined ? "" : ` / ${humanSize(transfer.bytes)}`}
            </Text>
          </Text>
        );
      })}
      {view.progress.active.length > active.length ? (
        <Text dimColor>
          {"  "}… and {view.progress.active.length - active.length} more running
        </Text>
      ) : null}
    </>
  );
}

function Failures({ failures }: { readonly failures: MigrationView["failures"] }) {
  if (failures.length === 0) return null;
  return (
    <>
      <Text color="red" bold>
        Failed ({failures.length}):
      </Text>
      {failures.slice(-RECENT_FAILURES).map((failure) => (
        <Text key={failure.id} color="red" wrap="truncate-end">
          {"  "}
          {failure.text}
        </Text>
      ))}
    </>
  );
}

function ControlLine({ view }: { readonly view: MigrationView }) {
  const running = view.progress.active.length;
  const runningText = `${running} file${running === 1 ? "" : "s"} running`;
  if (view.stopping === "now") {
    return <Text color="yellow">Stopping now: cancelling {runningText}…</Text>;
  }
  if (view.stopping === "after-running") {
    return (
      <Text color="yellow" wrap="truncate-end">
        Stopping: no new file starts; {runningText} finish{running === 1 ? "es" : ""} first (q again
        or ctrl-c cancels {running === 1 ? "it" : "them"}).
      </Text>
    );
  }
  if (view.paused) {
    return (
      <Text color="yellow" wrap="truncate-end">
        Paused: no new file starts{running > 0 ? `; ${runningText} finish` : ""}. p resumes.
      </Text>
    );
  }
  return <Text dimColor>p pause · q stop (running files finish) · ctrl-c stop now</Text>;
}

function SavedLine({ view }: { readonly view: MigrationView }) {
  const { totals } = view.progress;
  if (totals.originalBytesStored === 0)
    return <Text dimColor>Saved so far: nothing stored yet</Text>;
  const saved = totals.originalBytesStored - totals.storedBytes;
  return (
    <Text wrap="truncate-end">
      Saved so far: <Text color="green">{humanSize(Math.max(0, saved))}</Text>
      <Text dimColor>
        {" "}
        ({humanSize(totals.originalBytesStored)} copied, stored as {humanSize(totals.storedBytes)})
      </Text>
    </Text>
  );
}

/** The files stored whole so far, and why (when there are any). */
function WholeLine({ view }: { readonly view: MigrationView }) {
  const whole = directCount(view.direct);
  if (whole === 0) return null;
  return (
    <Text wrap="truncate-end">
      Stored whole: <Text color="yellow">{whole}</Text>
      <Text dimColor> ({directCountsText(view.direct)})</Text>
    </Text>
  );
}

function SummaryBox(props: {
  readonly view: MigrationView;
  readonly now: number;
  readonly width: number;
}) {
  const { view, now } = props;
  const result = view.result;
  if (!result) return null;
  const { totals } = view.progress;
  const figures = progressFigures(totals, now);
  const elapsed = Math.max(0, (now - totals.startedAt) / 1000);
  const tone = result.failed > 0 ? "red" : result.stopped ? "yellow" : "green";
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={tone}
      paddingX={1}
      width={Math.min(props.width, 100)}
    >
      {migrationSummaryLines(result).map((line) => (
        <Text key={line}>{line}</Text>
      ))}
      <Text dimColor>
        Took {formatDuration(elapsed)} at {formatRate(figures.rate)}
        {totals.originalBytesStored > 0
          ? ` · ${oneDecimal(figures.savedPercent ?? 0)}% saved on what was copied`
          : ""}
      </Text>
      {view.failures.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Text color="red">Failed:</Text>
          {view.failures.slice(0, 10).map((failure) => (
            <Text key={failure.id} color="red" wrap="truncate-end">
              {"  "}
              {failure.text}
            </Text>
          ))}
          {view.failures.length > 10 ? (
            <Text color="red"> … and {view.failures.length - 10} more (listed above)</Text>
          ) : null}
        </Box>
      ) : null}
    </Box>
  );
}

function Dashboard(props: {
  readonly view: MigrationView;
  readonly controller: MigrationController;
  readonly now: number;
  readonly size: TerminalSize;
}) {
  const { view, controller, now, size } = props;
  useInput((input, key) => controller.handleKey({ input, key }), {
    isActive: view.phase === "running",
  });
  const done = view.phase === "done";
  return (
    <>
      <TransferLog lines={view.progress.lines} />
      <Box flexDirection="column" width={size.columns}>
        <Text bold wrap="truncate-end">
          Migrating {view.summary.source} → {view.summary.destination}
          {view.paused ? <Text color="yellow"> · PAUSED</Text> : null}
        </Text>
        {view.progress.totals.filesPlanned > 0 ? (
          <OverallProgress
            totals={view.progress.totals}
            now={now}
            width={size.columns}
            done={done}
          />
        ) : (
          <Text dimColor>Starting…</Text>
        )}
        <SavedLine view={view} />
        {done ? null : <WholeLine view={view} />}
        {done ? (
          <SummaryBox view={view} now={now} width={size.columns} />
        ) : (
          <>
            <ActiveFiles view={view} size={size} />
            <Failures failures={view.failures} />
            <ControlLine view={view} />
          </>
        )}
      </Box>
    </>
  );
}

/**
 * The interactive `migrate` screens: the plan (with the projected savings) and its question,
 * then the live dashboard (files in flight with their progress, the overall bar, bytes saved,
 * rate, ETA, failures as they happen, pause and stop), then the summary.
 */
export function MigrationScreen({ controller, now: fixedNow }: MigrationScreenProps) {
  const view = useSyncExternalStore(controller.subscribe, controller.getState);
  const size = useTerminalSize();
  const now = useClock(fixedNow);
  if (view.phase === "plan") {
    return (
      <MigrateConfirm
        summary={view.summary}
        onAnswer={controller.answer}
        {...(view.estimate ? { estimate: view.estimate } : {})}
      />
    );
  }
  return <Dashboard view={view} controller={controller} now={now} size={size} />;
}
