import type { BucketStats, DeltaspaceStats } from "@dg/sdk";
import { Box, Text, useInput } from "ink";
import { useEffect, useSyncExternalStore } from "react";
import { humanSize, oneDecimal } from "../../lib/format.js";
import { savingsText } from "../../lib/stats-text.js";
import { progressBar } from "../progress-format.js";
import { Spinner } from "../Spinner.js";
import { useTerminalSize } from "../use-terminal-size.js";
import { cell, savingsColor } from "./cells.js";
import { deltaSizesByUpload, deltaTrend, sparkline } from "./chart.js";
import type { ExplorerController } from "./controller.js";
import { ObjectsTable } from "./ObjectsTable.js";
import { SpacesTable } from "./SpacesTable.js";
import {
  type Drill,
  deltaspaceLabel,
  type ExplorerState,
  type ListView,
  type LoadState,
  listCapacity,
  selection,
  statusKey,
  visibleObjects,
  visibleSpaces,
} from "./state.js";

export interface StatsExplorerProps {
  readonly controller: ExplorerController;
  /** Turn the spinners (off in tests, for fixed frames). */
  readonly animate?: boolean;
}

const TABLE_KEYS = [
  "↑↓ move  ⏎ open  / filter  sort: s savings  z stored  o objects  a age  n name",
  "v verify  d download  x delete  r refresh  ? help  q quit",
];
const DRILL_KEYS = [
  "↑↓ move  / filter  v verify  d download  x delete",
  "r reload  ? help  q/esc back  ctrl-c quit",
];

const HELP_LINES: readonly (readonly [string, string])[] = [
  ["↑ ↓  k j", "move"],
  ["PgUp PgDn  space", "page"],
  ["Home End  g G", "first, last"],
  ["Enter  →", "open the deltaspace: its files in version order"],
  ["s z o a n", "sort by savings, stored size, objects, reference age, name (again: reverse)"],
  ["/", "filter by name (Enter keeps it, Esc clears it)"],
  ["v", "verify: rebuild and check the SHA-256 (a deltaspace: every file)"],
  ["d", "download to a path you type (a deltaspace: into a folder)"],
  ["x", "delete, after a confirmation naming what goes"],
  ["r", "refresh: recompute the figures (the cache is ignored)"],
  ["q  Esc", "back; quit from the table"],
  ["ctrl-c", "quit"],
];

function loadingLine(load: LoadState, what: string): string {
  if (load.status !== "loading") return "";
  const count = load.seen.toLocaleString("en-US");
  if (load.phase === "listing") return `Listing ${what}: ${count} stored objects seen`;
  if (load.phase === "computing") return `Computing the figures of ${what} (${count} objects)`;
  const total = (load.total ?? 0).toLocaleString("en-US");
  return `Reading ${what}: ${count} of ${total} objects`;
}

function Line(props: { readonly children: React.ReactNode; readonly dim?: boolean }) {
  return (
    <Text wrap="truncate-end" dimColor={props.dim === true}>
      {props.children}
    </Text>
  );
}

function Summary({ stats, width }: { readonly stats: BucketStats; readonly width: number }) {
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

function DrillSummary(props: {
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

function HelpPanel({ capacity }: { readonly capacity: number }) {
  return (
    <Box flexDirection="column" height={capacity + 1}>
      <Text bold>Keys</Text>
      {HELP_LINES.slice(0, capacity).map(([keys, what]) => (
        <Text key={keys} wrap="truncate-end">
          <Text color="cyan">{cell(keys, 18)}</Text> {what}
        </Text>
      ))}
    </Box>
  );
}

function DeletePanel(props: { readonly lines: readonly string[]; readonly capacity: number }) {
  return (
    <Box flexDirection="column" height={props.capacity + 1}>
      <Text bold color="red">
        Delete
      </Text>
      {props.lines.map((line) => (
        <Text key={line} wrap="wrap">
          {line}
        </Text>
      ))}
      <Text> </Text>
      <Text bold>y delete · n keep</Text>
    </Box>
  );
}

function rangeText(view: ListView, capacity: number, count: number, noun: string): string {
  if (count === 0) return `no ${noun}`;
  const last = Math.min(count, view.top + capacity);
  return `${(view.top + 1).toLocaleString("en-US")}–${last.toLocaleString("en-US")} of ${count.toLocaleString("en-US")} ${noun}`;
}

function StatusLine(props: {
  readonly state: ExplorerState;
  readonly view: ListView;
  readonly count: number;
  readonly noun: string;
}) {
  const { state, view } = props;
  const capacity = listCapacity(state.size);
  if (view.editingFilter) {
    return (
      <Line>
        Filter: <Text color="cyan">{view.filter}</Text>▏
        <Text dimColor> Enter keep · Esc clear</Text>
      </Line>
    );
  }
  const sortText = state.drill
    ? "version order"
    : `sorted by ${state.sort.key === "stored" ? "stored size" : state.sort.key === "age" ? "reference age" : state.sort.key} ${state.sort.descending ? "↓" : "↑"}`;
  return (
    <Line dim>
      {rangeText(view, capacity, props.count, props.noun)} · {sortText}
      {view.filter === "" ? "" : ` · filter: ${view.filter}`}
    </Line>
  );
}

function MessageLine({ state }: { readonly state: ExplorerState }) {
  const prompt = state.prompt;
  if (prompt?.kind === "download") {
    return (
      <Line>
        Download to: <Text color="cyan">{prompt.path}</Text>▏
        <Text dimColor> Enter save · Esc cancel</Text>
      </Line>
    );
  }
  const selected = selection(state);
  const status = selected
    ? state.statuses.get(
        statusKey(
          selected.kind === "object"
            ? { kind: "object", key: selected.object.key, deltaspace: selected.deltaspace }
            : { kind: "deltaspace", deltaspace: selected.space.deltaspace },
        ),
      )
    : undefined;
  const message = state.message;
  if (status && !message?.fresh) {
    const name =
      selected?.kind === "object"
        ? selected.object.key.slice(selected.object.key.lastIndexOf("/") + 1)
        : selected?.kind === "deltaspace"
          ? deltaspaceLabel(selected.space.deltaspace)
          : "";
    const color = status.tone === "error" ? "red" : status.tone === "ok" ? "green" : "cyan";
    return (
      <Line>
        <Text color={color}>
          {name}: {status.text}
        </Text>
      </Line>
    );
  }
  if (!message) return <Text> </Text>;
  const color = message.tone === "error" ? "red" : message.tone === "ok" ? "green" : undefined;
  return (
    <Line>
      <Text {...(color ? { color } : {})}>{message.text}</Text>
    </Line>
  );
}

function Title(props: { readonly state: ExplorerState; readonly animate: boolean }) {
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

/**
 * The interactive `stats` screen: the bucket's figures on top, its deltaspaces below (sorted,
 * filtered, paged), a drill-down into one deltaspace, actions on the selected row, a help
 * panel. It draws what its controller holds and sends it every key.
 */
export function StatsExplorer({ controller, animate = true }: StatsExplorerProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  const size = useTerminalSize();
  useEffect(() => {
    controller.resize(size);
  }, [controller, size]);
  useInput((input, key) => controller.handleKey({ input, key }));

  const width = state.size.columns;
  const capacity = listCapacity(state.size);
  if (!state.stats) {
    return (
      <Box flexDirection="column">
        <Title state={state} animate={animate} />
        {state.load.status === "failed" ? (
          <Line>
            <Text color="red">Could not read the figures: {state.load.message}</Text>
          </Line>
        ) : (
          <Line>
            <Spinner animate={animate} /> {loadingLine(state.load, state.location)}
          </Line>
        )}
        <Line dim>q quit</Line>
      </Box>
    );
  }
  const drill = state.drill;
  const rows = drill
    ? visibleObjects(drill)
    : visibleSpaces(state.stats, state.sort, state.table.filter);
  const view = drill ? drill.view : state.table;
  const statusOf = (prefix: string) => (id: string) => state.statuses.get(`${prefix}:${id}`);
  let body: React.ReactNode;
  if (state.help) body = <HelpPanel capacity={capacity} />;
  else if (state.prompt?.kind === "delete") {
    body = <DeletePanel lines={state.prompt.lines} capacity={capacity} />;
  } else if (drill && drill.load.status === "loading") {
    body = (
      <Line>
        <Spinner animate={animate} /> {loadingLine(drill.load, deltaspaceLabel(drill.deltaspace))}
      </Line>
    );
  } else if (drill && drill.load.status === "failed") {
    body = (
      <Line>
        <Text color="red">
          Could not read {deltaspaceLabel(drill.deltaspace)}: {drill.load.message}
        </Text>
      </Line>
    );
  } else if (drill && rows.length === 0 && view.filter !== "") {
    body = <Line dim>Nothing matches "{view.filter}".</Line>;
  } else if (drill) {
    body = (
      <ObjectsTable
        rows={visibleObjects(drill)}
        deltaspace={drill.deltaspace}
        cursor={view.cursor}
        top={view.top}
        capacity={capacity}
        width={width}
        statusOf={statusOf("object")}
      />
    );
  } else if (state.stats.deltaspaces.length === 0) {
    body = <Line dim>Nothing stored here yet.</Line>;
  } else if (rows.length === 0 && view.filter !== "") {
    body = <Line dim>Nothing matches "{view.filter}".</Line>;
  } else {
    body = (
      <SpacesTable
        rows={visibleSpaces(state.stats, state.sort, state.table.filter)}
        cursor={view.cursor}
        top={view.top}
        capacity={capacity}
        width={width}
        sort={state.sort}
        now={state.now}
        statusOf={statusOf("space")}
      />
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      <Title state={state} animate={animate} />
      {drill ? (
        <DrillSummary
          drill={drill}
          figures={state.stats.deltaspaces.find((d) => d.deltaspace === drill.deltaspace)}
          width={width}
        />
      ) : (
        <Summary stats={state.stats} width={width} />
      )}
      <Box flexDirection="column" height={capacity + 1}>
        {body}
      </Box>
      <StatusLine
        state={state}
        view={view}
        count={rows.length}
        noun={drill ? "files" : "deltaspaces"}
      />
      <MessageLine state={state} />
      {(drill ? DRILL_KEYS : TABLE_KEYS).map((line) => (
        <Line key={line} dim>
          {line}
        </Line>
      ))}
    </Box>
  );
}
