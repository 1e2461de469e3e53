import type { BucketStats } from "@dg/sdk";
import { Box, Text } from "ink";
import { humanSize } from "../lib/format.js";
import { type StatsProvenance, savingsText, statsLocation } from "../lib/stats-text.js";
import { savingsColor } from "./explorer/cells.js";
import { progressBar } from "./progress-format.js";

export interface StatsDashboardProps {
  readonly stats: BucketStats;
  readonly provenance: StatsProvenance;
  /** Terminal width in columns. */
  readonly width: number;
}

function Row(props: { readonly label: string; readonly value: string; readonly extra?: string }) {
  return (
    <Box>
      <Box width={16}>
        <Text dimColor>{props.label}</Text>
      </Box>
      <Box width={12} justifyContent="flex-end">
        <Text bold>{props.value}</Text>
      </Box>
      {props.extra ? <Text> {props.extra}</Text> : null}
    </Box>
  );
}

/**
 * The `stats` dashboard: totals, a savings bar, and a table with one row per deltaspace
 * (the largest first, at most 20, the rest summed up).
 */
export function StatsDashboard({ stats, provenance, width }: StatsDashboardProps) {
  const inner = Math.max(50, Math.min(width, 100) - 4);
  const barWidth = Math.max(10, Math.min(40, inner - 40));
  const spaces = [...stats.deltaspaces].sort((a, b) => b.originalBytes - a.originalBytes);
  const shown = spaces.slice(0, 20);
  const nameWidth = Math.max(
    12,
    Math.min(inner - 50, Math.max(...shown.map((s) => s.deltaspace.length + 1), 10)),
  );
  const percent = Math.max(0, stats.savingsPercent);
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={inner + 4}>
      <Text bold>
        Bucket statistics: <Text color="cyan">{statsLocation(stats)}</Text>{" "}
        <Text dimColor>
          ({stats.mode} mode{stats.estimated ? ", estimated" : ""})
        </Text>
      </Text>
      <Box flexDirection="column" marginTop={1}>
        <Row
          label="Objects"
          value={stats.objectCount.toLocaleString("en-US")}
          extra={`(${stats.deltaObjects} delta · ${stats.directObjects} direct · ${stats.referenceObjects} reference${stats.referenceObjects === 1 ? "" : "s"})`}
        />
        <Row label="Original size" value={humanSize(stats.originalBytes)} />
        <Row label="Stored size" value={humanSize(stats.storedBytes)} />
        <Row label="Space saved" value={humanSize(Math.max(0, stats.savedBytes))} />
        <Box>
          <Box width={16}>
            <Text dimColor>Savings</Text>
          </Box>
          <Text color={savingsColor(stats.savingsPercent)}>
            {progressBar(percent / 100, barWidth)} {savingsText(stats)}
          </Text>
        </Box>
        {stats.brokenDeltas > 0 ? (
          <Text color="red">
            {stats.brokenDeltas} broken deltas (reference missing or replaced)
          </Text>
        ) : null}
      </Box>
      {shown.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>
            {"Deltaspace".padEnd(nameWidth)} {"Objects".padStart(8)} {"Original".padStart(10)}{" "}
            {"Stored".padStart(10)} {"Saved".padStart(7)}
          </Text>
          {shown.map((space) => (
            <Text key={space.deltaspace}>
              {(space.deltaspace === "" ? "(root)" : `${space.deltaspace}/`)
                .slice(0, nameWidth)
                .padEnd(nameWidth)}{" "}
              {space.objectCount.toLocaleString("en-US").padStart(8)}{" "}
              {humanSize(space.originalBytes).padStart(10)}{" "}
              {humanSize(space.storedBytes).padStart(10)}{" "}
              <Text color={savingsColor(space.savingsPercent)}>
                {savingsText(space).padStart(7)}
              </Text>
            </Text>
          ))}
          {spaces.length > shown.length ? (
            <Text dimColor>… and {spaces.length - shown.length} more deltaspaces</Text>
          ) : null}
        </Box>
      ) : (
        <Box marginTop={1}>
          <Text dimColor>Nothing stored here yet.</Text>
        </Box>
      )}
      {stats.orphanedReferences.map((key) => (
        <Text key={key} color="yellow">
          Orphaned reference: s3://{stats.bucket}/{key}
        </Text>
      ))}
      <Box marginTop={1}>
        <Text dimColor>
          {provenance.cached
            ? `Cached result from ${provenance.computedAt}, valid for this exact listing (--refresh recomputes).`
            : `Computed at ${provenance.computedAt}.`}
        </Text>
      </Box>
    </Box>
  );
}
