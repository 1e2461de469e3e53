import { Box, Text, useInput } from "ink";
import { humanSize } from "../lib/format.js";

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
}

/**
 * The `migrate` confirmation screen: what goes where, how much, what is skipped, the region
 * check; `y` proceeds, `n`, Enter or Esc cancels, Ctrl-C interrupts.
 */
export function MigrateConfirm({ summary, onAnswer }: MigrateConfirmProps) {
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
