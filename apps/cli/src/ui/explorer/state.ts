import type { BucketStats, DeltaspaceObject, DeltaspaceStats } from "@dg/sdk";
import { versionOrder, visibleObjects, visibleSpaces } from "./rows.js";
import type { StatsProvenance } from "../../lib/stats-text.js";
import type { TerminalSize } from "../use-terminal-size.js";

/** Columns the deltaspace table sorts by. */
export type SortKey = "savings" | "stored" | "objects" | "age" | "name";

export interface SortOrder {
  readonly key: SortKey;
  readonly descending: boolean;
}

/** What is loading, and how far it got (a live count while a large bucket lists). */
export type LoadState =
  | {
      readonly status: "loading";
      readonly phase: "listing" | "computing" | "reading";
      readonly seen: number;
      /** Objects to read, once known (drill-down: listed, then read one by one). */
      readonly total?: number;
    }
  | { readonly status: "ready" }
  | { readonly status: "failed"; readonly message: string };

/** A scrolled list: the selected row, the first row on screen, and its filter. */
export interface ListView {
  readonly cursor: number;
  readonly top: number;
  readonly filter: string;
  readonly editingFilter: boolean;
}

/** What an action works on: one file, or every file of a deltaspace. */
export type Target =
  | { readonly kind: "object"; readonly key: string; readonly deltaspace: string }
  | { readonly kind: "deltaspace"; readonly deltaspace: string };

/** A question on screen: confirm a delete, or type where to download. */
export type Prompt =
  | { readonly kind: "delete"; readonly target: Target; readonly lines: readonly string[] }
  | { readonly kind: "download"; readonly target: Target; readonly path: string };

/** The outcome of an action, shown beside its row. */
export interface ItemStatus {
  readonly tone: "running" | "ok" | "error";
  readonly text: string;
}

/** The objects of the deltaspace that is open. */
export interface Drill {
  readonly deltaspace: string;
  readonly load: LoadState;
  /** Version order, the reference first. */
  readonly objects: readonly DeltaspaceObject[];
  readonly view: ListView;
}

export type { TerminalSize };

export interface ExplorerState {
  /** `s3://bucket/prefix/`. */
  readonly location: string;
  readonly size: TerminalSize;
  /** Time the ages are counted from (ms). */
  readonly now: number;
  readonly load: LoadState;
  readonly stats?: BucketStats;
  readonly provenance?: StatsProvenance;
  readonly sort: SortOrder;
  readonly table: ListView;
  readonly drill?: Drill;
  readonly prompt?: Prompt;
  readonly help: boolean;
  /** Action outcomes, by {@link statusKey}. */
  readonly statuses: ReadonlyMap<string, ItemStatus>;
  /**
   * The last thing that happened, on the message line; `fresh` until the cursor moves (the
   * selected row's own status then takes the line).
   */
  readonly message?: {
    readonly tone: "ok" | "error" | "note";
    readonly text: string;
    readonly fresh: boolean;
  };
  readonly quit: boolean;
}

export type ExplorerAction =
  | { readonly type: "resize"; readonly size: TerminalSize }
  | {
      readonly type: "stats-loading";
      readonly phase: "listing" | "computing";
      readonly seen: number;
    }
  | {
      readonly type: "stats-loaded";
      readonly stats: BucketStats;
      readonly provenance: StatsProvenance;
      readonly now: number;
    }
  | { readonly type: "stats-failed"; readonly message: string }
  | { readonly type: "move"; readonly by: number }
  | { readonly type: "move-to"; readonly index: "first" | "last" }
  | { readonly type: "page"; readonly direction: 1 | -1 }
  | { readonly type: "sort"; readonly key: SortKey }
  | { readonly type: "filter-start" }
  | { readonly type: "filter-text"; readonly text: string }
  | { readonly type: "filter-end"; readonly keep: boolean }
  | { readonly type: "drill-open"; readonly deltaspace: string }
  | {
      readonly type: "drill-progress";
      readonly deltaspace: string;
      readonly listed: number;
      readonly described: number;
    }
  | {
      readonly type: "drill-loaded";
      readonly deltaspace: string;
      readonly objects: readonly DeltaspaceObject[];
    }
  | { readonly type: "drill-failed"; readonly deltaspace: string; readonly message: string }
  | { readonly type: "back" }
  | { readonly type: "help"; readonly open: boolean }
  | { readonly type: "prompt"; readonly prompt: Prompt | undefined }
  | { readonly type: "status"; readonly key: string; readonly status: ItemStatus }
  | { readonly type: "message"; readonly tone: "ok" | "error" | "note"; readonly text: string }
  | { readonly type: "quit" };

/** Rows of the screen that are not list rows (title, summary, headers, status, keys). */
export const CHROME_ROWS = 9;
/** Fewest list rows drawn, however small the terminal. */
const MIN_LIST_ROWS = 3;

/**
 * List rows that fit: the screen's height less its fixed lines, one line kept free so that
 * the frame never fills the terminal (Ink then redraws the whole screen on every change).
 */
export function listCapacity(size: TerminalSize): number {
  return Math.max(MIN_LIST_ROWS, size.rows - 1 - CHROME_ROWS);
}

/** The key of an action outcome in {@link ExplorerState.statuses}. */
export function statusKey(target: Target): string {
  return target.kind === "object" ? `object:${target.key}` : `space:${target.deltaspace}`;
}

const EMPTY_VIEW: ListView = { cursor: 0, top: 0, filter: "", editingFilter: false };

export function initialExplorerState(options: {
  readonly location: string;
  readonly size: TerminalSize;
  readonly now: number;
}): ExplorerState {
  return {
    location: options.location,
    size: options.size,
    now: options.now,
    load: { status: "loading", phase: "listing", seen: 0 },
    sort: { key: "savings", descending: true },
    table: EMPTY_VIEW,
    help: false,
    statuses: new Map(),
    quit: false,
  };
}

/** Number of rows of the list on screen now. */
function rowCount(state: ExplorerState): number {
  return state.drill
    ? visibleObjects(state.drill).length
    : visibleSpaces(state.stats, state.sort, state.table.filter).length;
}

/** Keep the cursor inside the list and on screen. */
function fitView(view: ListView, count: number, capacity: number): ListView {
  const cursor = Math.max(0, Math.min(view.cursor, count - 1));
  const top = Math.max(0, Math.min(view.top, cursor, Math.max(0, count - capacity)));
  const shown = cursor >= top + capacity ? cursor - capacity + 1 : top;
  if (cursor === view.cursor && shown === view.top) return view;
  return { ...view, cursor, top: shown };
}

function withView(state: ExplorerState, change: (view: ListView) => ListView): ExplorerState {
  if (state.drill) return { ...state, drill: { ...state.drill, view: change(state.drill.view) } };
  return { ...state, table: change(state.table) };
}

/** Re-fit the list on screen after anything that changed its rows or the screen's size. */
function settle(state: ExplorerState): ExplorerState {
  const capacity = listCapacity(state.size);
  const count = rowCount(state);
  return withView(state, (view) => fitView(view, count, capacity));
}

function currentView(state: ExplorerState): ListView {
  return state.drill ? state.drill.view : state.table;
}

/** Actions that take the cursor elsewhere: the message line then shows the new row's status. */
const MOVES: ReadonlySet<ExplorerAction["type"]> = new Set([
  "move",
  "move-to",
  "page",
  "sort",
  "filter-text",
  "drill-open",
  "back",
]);

/**
 * The explorer's state machine: every key and every loaded result goes through here, so the
 * screens only draw what it holds.
 */
export function explorerReducer(state: ExplorerState, action: ExplorerAction): ExplorerState {
  if (state.message?.fresh && MOVES.has(action.type)) {
    state = { ...state, message: { ...state.message, fresh: false } };
  }
  switch (action.type) {
    case "resize":
      return settle({ ...state, size: action.size });
    case "stats-loading":
      return { ...state, load: { status: "loading", phase: action.phase, seen: action.seen } };
    case "stats-loaded": {
      const known = new Set(action.stats.deltaspaces.map((s) => s.deltaspace));
      // A drill-down into a deltaspace that is gone (its last file deleted) goes back.
      const { drill, ...rest } = state;
      const kept = drill && known.has(drill.deltaspace) ? { drill } : {};
      return settle({
        ...rest,
        ...kept,
        load: { status: "ready" },
        stats: action.stats,
        provenance: action.provenance,
        now: action.now,
      });
    }
    case "stats-failed":
      // A failed refresh keeps the figures on screen and says why they are not new.
      return state.stats
        ? {
            ...state,
            load: { status: "ready" },
            message: { tone: "error", text: `Refresh failed: ${action.message}`, fresh: true },
          }
        : { ...state, load: { status: "failed", message: action.message } };
    case "move":
      return settle(withView(state, (view) => ({ ...view, cursor: view.cursor + action.by })));
    case "move-to":
      return settle(
        withView(state, (view) => ({
          ...view,
          cursor: action.index === "first" ? 0 : Number.MAX_SAFE_INTEGER,
        })),
      );
    case "page": {
      const capacity = listCapacity(state.size);
      return settle(
        withView(state, (view) => ({
          ...view,
          cursor: view.cursor + action.direction * capacity,
          top: view.top + action.direction * capacity,
        })),
      );
    }
    case "sort": {
      const same = state.sort.key === action.key;
      // Names read best A→Z; figures largest (or oldest) first.
      const descending = same ? !state.sort.descending : action.key !== "name";
      return settle({
        ...state,
        sort: { key: action.key, descending },
        table: { ...state.table, cursor: 0, top: 0 },
      });
    }
    case "filter-start":
      return withView(state, (view) => ({ ...view, editingFilter: true }));
    case "filter-text":
      return settle(
        withView(state, (view) => ({ ...view, filter: action.text, cursor: 0, top: 0 })),
      );
    case "filter-end":
      return settle(
        withView(state, (view) => ({
          ...view,
          editingFilter: false,
          ...(action.keep ? {} : { filter: "", cursor: 0, top: 0 }),
        })),
      );
    case "drill-open":
      return {
        ...state,
        drill: {
          deltaspace: action.deltaspace,
          load: { status: "loading", phase: "listing", seen: 0 },
          objects: [],
          view: EMPTY_VIEW,
        },
      };
    case "drill-progress":
      if (state.drill?.deltaspace !== action.deltaspace) return state;
      return {
        ...state,
        drill: {
          ...state.drill,
          load:
            action.described === 0
              ? { status: "loading", phase: "listing", seen: action.listed }
              : {
                  status: "loading",
                  phase: "reading",
                  seen: action.described,
                  total: action.listed,
                },
        },
      };
    case "drill-loaded":
      if (state.drill?.deltaspace !== action.deltaspace) return state;
      return settle({
        ...state,
        drill: { ...state.drill, load: { status: "ready" }, objects: versionOrder(action.objects) },
      });
    case "drill-failed":
      if (state.drill?.deltaspace !== action.deltaspace) return state;
      return {
        ...state,
        drill: { ...state.drill, load: { status: "failed", message: action.message } },
      };
    case "back": {
      const { drill: _closed, ...rest } = state;
      return settle(rest);
    }
    case "help":
      return { ...state, help: action.open };
    case "prompt": {
      if (action.prompt === undefined) {
        const { prompt: _closed, ...rest } = state;
        return rest;
      }
      return { ...state, prompt: action.prompt };
    }
    case "status": {
      const statuses = new Map(state.statuses);
      statuses.set(action.key, action.status);
      return { ...state, statuses };
    }
    case "message":
      return { ...state, message: { tone: action.tone, text: action.text, fresh: true } };
    case "quit":
      return { ...state, quit: true };
  }
}

/** The row under the cursor: a deltaspace in the table, a file in a drill-down. */
export function selection(
  state: ExplorerState,
):
  | { readonly kind: "deltaspace"; readonly space: DeltaspaceStats }
  | { readonly kind: "object"; readonly object: DeltaspaceObject; readonly deltaspace: string }
  | undefined {
  const view = currentView(state);
  if (state.drill) {
    const object = visibleObjects(state.drill)[view.cursor];
    return object ? { kind: "object", object, deltaspace: state.drill.deltaspace } : undefined;
  }
  const space = visibleSpaces(state.stats, state.sort, state.table.filter)[view.cursor];
  return space ? { kind: "deltaspace", space } : undefined;
}

/** Whether a text field (filter or download path) takes the keys now. */
export function isEditing(state: ExplorerState): boolean {
  return state.prompt?.kind === "download" || currentView(state).editingFilter;
}
