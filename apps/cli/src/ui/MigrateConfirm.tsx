import { Box, Text, useInput } from "ink";
import { humanSize, oneDecimal } from "../lib/format.js";
import type { EstimateView } from "./migration/controller.js";

/** What a migration will do, for the confirmation screen and the plain summary. */
export interface MigrationSummary {
  readonly source: string;
  readonly destination: string;
  readonly files: number;
  readonly bytes: number;
  readonly skipped: number;
  readonly regionLines: readonly string[];
  /** Some of the files to migrate, for a preview. */
  readonly preview: readonly string[];
}

/** What the user answered: `y`, `n` (or Enter, Esc), or Ctrl-C. */
export type ConfirmAnswer = "yes" | "no" | "interrupt";

export interface MigrateConfirmProps {
  readonly summary: MigrationSummary;
  readonly onAnswer: (answer: ConfirmAnswer) => void;
  /** The projected savings, while measured and once known (the interactive plan shows them). */
  readonly estimate?: EstimateView;
}

function EstimateLine({ estimate }: { readonly estimate: EstimateView }) {
  if (estimate.status === "measuring") {
    return (
      <Text dimColor>
        Projected savings: measuring samples… ({estimate.folders} folder
        {estimate.folders === 1 ? "" : "s"} measured)
      </Text>
    );
  }
  if (estimate.status === "failed") {
    return <Text color="yellow">Projected savings: not measured ({estimate.message})</Text>;
  }
  const figures = estimate.estimate;
  if (figures.eligibleObjects === 0) {
    return (
      <Text dimColor>
        Projected savings: not measured (no plain delta-eligible file to sample; files already in
        deltaglider storage are not sampled)
      </Text>
    );
  }
  return (
    <Text>
      Projected savings:{" "}
      <Text bold color="green">
        about {oneDecimal(figures.estimatedSavingsPercent)}%
      </Text>{" "}
      ({humanSize(figures.totalBytes)} stored as about {humanSize(figures.estimatedStoredBytes)}),
      measured on {figures.sampledObjects} sampled file{figures.sampledObjects === 1 ? "" : "s"}
    </Text>
  );
}

/**
 * The `migrate` confirmation screen: what goes where, how much, what is skipped, the region
 * check, and (when given) the projected savings; `y` proceeds, `n`, Enter or Esc cancels,
 * Ctrl-C interrupts.
 */
export function MigrateConfirm({ summary, onAnswer, estimate }: MigrateConfirmProps) {
  useInput((input, key) => {
    if (key.ctrl && input === "c") onAnswer("interrupt");
    else if (input === "y" || input === "Y") onAnswer("yes");
    else if (input === "n" || input === "N" || key.return || key.escape) onAnswer("no");
  });
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Migrate with delta compression</Text>
      <Box marginTop={1} flexDirection="column">
        <Text>
          <Text dimColor>from </Text>
          <Text color="cyan">{summary.source}</Text>
        </Text>
        <Text>
          <Text dimColor> to </Text>
          <Text color="cyan">{summary.destination}</Text>
        </Text>
      </Box>
      <Box marginTop={1} flexDirection="column">
        <Text>
          Files to migrate: <Text bold>{summary.files}</Text> ({humanSize(summary.bytes)})
        </Text>
        {summary.skipped > 0 ? (
          <Text dimColor>Already migrated: {summary.skipped} (skipped)</Text>
        ) : null}
        {summary.preview.map((name) => (
          <Text key={name} dimColor>
            {"  "}
            {name}
          </Text>
        ))}
        {summary.files > summary.preview.length ? (
          <Text dimColor> … and {summary.files - summary.preview.length} more</Text>
        ) : null}
      </Box>
      {estimate ? (
        <Box marginTop={1}>
          <EstimateLine estimate={estimate} />
        </Box>
      ) : null}
      {summary.regionLines.length > 0 ? (
        <Box marginTop={1} flexDirection="column">
          {summary.regionLines.map((line) => (
            <Text key={line} color={line.startsWith("Regions aligned") ? "green" : "yellow"}>
              {line}
            </Text>
          ))}
        </Box>
      ) : null}
      <Box marginTop={1}>
        <Text bold>Proceed? [y/N] </Text>
      </Box>
    </Box>
  );
}
