import { Box, Text, useInput } from "ink";
import { useEffect, useSyncExternalStore } from "react";
import { Spinner } from "../Spinner.js";
import { useTerminalSize } from "../use-terminal-size.js";
import type { ExplorerController } from "./controller.js";
import { DrillSummary, Summary, Title } from "./Headers.js";
import { Line, loadingLine } from "./Line.js";
import { ObjectsTable } from "./ObjectsTable.js";
import { DeletePanel, HelpPanel } from "./Panels.js";
import { deltaspaceLabel, visibleObjects, visibleSpaces } from "./rows.js";
import { SpacesTable } from "./SpacesTable.js";
import { listCapacity } from "./state.js";
import { KeyLines, MessageLine, StatusLine } from "./StatusLines.js";

export interface StatsExplorerProps {
  readonly controller: ExplorerController;
  /** Turn the spinners (off in tests, for fixed frames). */
  readonly animate?: boolean;
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
      <KeyLines drill={drill !== undefined} />
    </Box>
  );
}
