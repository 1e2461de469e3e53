import { Text } from "ink";
import { directReasonText } from "../../lib/direct-reason.js";
import { deltaspaceLabel } from "./rows.js";
import { Line } from "./Line.js";
import { type ExplorerState, type ListView, listCapacity, selection, statusKey } from "./state.js";

const TABLE_KEYS = [
  "↑↓ move  ⏎ open  / filter  sort: s savings  z stored  o objects  a age  n name",
  "v verify  d download  x delete  r refresh  ? help  q quit",
];
const DRILL_KEYS = [
  "↑↓ move  / filter  v verify  d download  x delete",
  "r reload  ? help  q/esc back  ctrl-c quit",
];

export function rangeText(view: ListView, capacity: number, count: number, noun: string): string {
  if (count === 0) return `no ${noun}`;
  const last = Math.min(count, view.top + capacity);
  return `${(view.top + 1).toLocaleString("en-US")}–${last.toLocaleString("en-US")} of ${count.toLocaleString("en-US")} ${noun}`;
}

/** Which rows are on screen, the order and the filter; or the filter being typed. */
export function StatusLine(props: {
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

/** The last action's outcome, the selected row's status, or the download path being typed. */
export function MessageLine({ state }: { readonly state: ExplorerState }) {
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
  if (!message?.fresh && selected?.kind === "object" && selected.object.storage === "direct") {
    const { object } = selected;
    return (
      <Line dim>
        {object.key.slice(object.key.lastIndexOf("/") + 1)}: stored whole,{" "}
        {directReasonText(object.directReason)}
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

/** The keys of the current view, in two lines. */
export function KeyLines({ drill }: { readonly drill: boolean }) {
  return (
    <>
      {(drill ? DRILL_KEYS : TABLE_KEYS).map((line) => (
        <Line key={line} dim>
          {line}
        </Line>
      ))}
    </>
  );
}
