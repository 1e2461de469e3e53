import type { BucketStats, DeltaspaceStats } from "@dg/sdk";
import { Text } from "ink";
import { humanSize, oneDecimal } from "../../lib/format.js";
import { savingsText } from "../../lib/stats-text.js";
import { progressBar } from "../progress-format.js";
import { Spinner } from "../Spinner.js";
import { savingsColor } from "./cells.js";
import { deltaSizesByUpload, deltaTrend, sparkline } from "./chart.js";
import { Line, loadingLine } from "./Line.js";
import type { Drill, ExplorerState } from "./state.js";

/** The bucket's figures above the table: objects, sizes, savings, warnings. */
export function Summary({ stats, width }: { readonly stats: BucketStats; readonly width: number }) {
  const barWidth = Math.max(8, Math.min(30, width - 66));
  const warnings: string[] = [];
  if (stats.brokenDeltas > 0) warnings.push(`${stats.brokenDeltas} broken deltas`);
  if (stats.orphanedReferences.length > 0) {
    warnings.push(`${stats.orphanedReferences.length} orphaned references`);
  }
  if (stats.estimated) warnings.push("some sizes estimated");
  return (
    <>
      <Line>
        Objects <Text bold>{stats.objectCount.toLocaleString("en-US")}</Text>
        <Text dimColor>
          {" "}
          ({stats.deltaObjects.toLocaleString("en-US")} delta ·{" "}
          {stats.directObjects.toLocaleString("en-US")} direct ·{" "}
          {stats.referenceObjects.toLocaleString("en-US")} reference
          {stats.referenceObjects === 1 ? "" : "s"}) in {stats.deltaspaces.length} deltaspace
          {stats.deltaspaces.length === 1 ? "" : "s"}
        </Text>
      </Line>
      <Line>
        Original <Text bold>{humanSize(stats.originalBytes)}</Text> → stored{" "}
        <Text bold>{humanSize(stats.storedBytes)}</Text> · saved{" "}
        <Text bold>{humanSize(Math.max(0, stats.savedBytes))}</Text>{" "}
        <Text color={savingsColor(stats.savingsPercent)}>
          {progressBar(Math.max(0, stats.savingsPercent) / 100, barWidth)} {savingsText(stats)}
        </Text>
      </Line>
      <Line>
        <Text color="yellow">{warnings.join(" · ")}</Text>
      </Line>
    </>
  );
}

/** The open deltaspace's figures, and the chart of its delta sizes by upload. */
export function DrillSummary(props: {
  readonly drill: Drill;
  readonly figures: DeltaspaceStats | undefined;
  readonly width: number;
}) {
  const { drill, figures, width } = props;
  if (drill.load.status !== "ready" && figures) {
    // While the files load, the deltaspace's figures from the table.
    return (
      <>
        <Line>
          {figures.objectCount.toLocaleString("en-US")} file{figures.objectCount === 1 ? "" : "s"} ·{" "}
          <Text bold>{humanSize(figures.originalBytes)}</Text> → stored{" "}
          <Text bold>{humanSize(figures.storedBytes)}</Text>{" "}
          <Text color={savingsColor(figures.savingsPercent)}>· {savingsText(figures)} saved</Text>
        </Line>
        <Line dim>Delta sizes by upload: once the files are read</Line>
        <Text> </Text>
      </>
    );
  }
  const files = drill.objects.filter((o) => o.storage !== "reference");
  const original = files.reduce((sum, o) => sum + (o.originalSize ?? 0), 0);
  const stored = drill.objects.reduce((sum, o) => sum + o.storedSize, 0);
  const saved = original > 0 ? ((original - stored) / original) * 100 : 0;
  const sizes = deltaSizesByUpload(drill.objects);
  const label = "Delta sizes by upload ";
  const range =
    sizes.length > 0 ? ` ${humanSize(Math.min(...sizes))} – ${humanSize(Math.max(...sizes))}` : "";
  const chart = sparkline(sizes, Math.max(8, width - label.length - range.length - 1));
  const trend = deltaTrend(sizes);
  const broken = drill.objects.filter((o) => o.broken).length;
  return (
    <>
      <Line>
        {files.length.toLocaleString("en-US")} file{files.length === 1 ? "" : "s"} ·{" "}
        <Text bold>{humanSize(original)}</Text> → stored <Text bold>{humanSize(stored)}</Text>{" "}
        <Text color={savingsColor(saved)}>· {oneDecimal(saved)}% saved</Text>
      </Line>
      <Line>
        <Text dimColor>{label}</Text>
        {sizes.length > 0 ? (
          <>
            <Text color="cyan">{chart}</Text>
            <Text dimColor>{range}</Text>
          </>
        ) : (
          <Text dimColor>(no deltas)</Text>
        )}
      </Line>
      <Line>
        {broken > 0 ? (
          <Text color="red">
            {broken} broken delta{broken === 1 ? "" : "s"}: their reference is missing or another
            one.{" "}
          </Text>
        ) : null}
        {trend === undefined ? null : trend.drifting ? (
          <Text color="yellow">
            Deltas grow: the latest are {oneDecimal(trend.growth)}× the first ones (the reference
            has drifted).
          </Text>
        ) : (
          <Text dimColor>Deltas stay close to their first size ({oneDecimal(trend.growth)}×).</Text>
        )}
      </Line>
    </>
  );
}

/** The first line: where, which mode, and whether the figures are cached or loading. */
export function Title(props: { readonly state: ExplorerState; readonly animate: boolean }) {
  const { state } = props;
  const where = state.drill
    ? `${state.location.slice(0, state.location.indexOf("/", "s3://".length) + 1)}${state.drill.deltaspace === "" ? "" : `${state.drill.deltaspace}/`}`
    : state.location;
  const loading = state.load.status === "loading" && state.stats !== undefined;
  const provenance = state.provenance;
  return (
    <Line>
      <Text bold>deltaglider stats</Text> <Text color="cyan">{where}</Text>
      {state.stats ? <Text dimColor> · {state.stats.mode} mode</Text> : null}
      {loading ? (
        <>
          {" "}
          <Spinner animate={props.animate} />
          <Text dimColor> {loadingLine(state.load, "the bucket")}</Text>
        </>
      ) : provenance ? (
        <Text dimColor>
          {" "}
          · {provenance.cached ? "cached" : "computed"}{" "}
          {provenance.computedAt.slice(0, 16).replace("T", " ")}
        </Text>
      ) : null}
    </Line>
  );
}
