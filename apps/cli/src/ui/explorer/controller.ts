import { runPool } from "../../lib/pool.js";
import type { KeyPress } from "../keys.js";
import { isTextKey, textAfterKey } from "../keys.js";
import type { StatsSource } from "./source.js";
import {
  type ExplorerAction,
  type ExplorerState,
  explorerReducer,
  initialExplorerState,
  isEditing,
  type SortKey,
  selection,
  statusKey,
  type Target,
  type TerminalSize,
} from "./state.js";
import { baseName, deletePlanLines, objectTarget, targetLabel, userFiles } from "./targets.js";

/** Files verified at once when a whole deltaspace is checked. */
const VERIFY_CONCURRENCY = 4;

const SORT_KEYS: Readonly<Record<string, SortKey>> = {
  s: "savings",
  z: "stored",
  o: "objects",
  a: "age",
  n: "name",
};

/** The explorer's state plus what makes it move: keys in, effects out through the source. */
export interface ExplorerController {
  getState(): ExplorerState;
  subscribe(listener: () => void): () => void;
  /** Start loading the figures. */
  start(): void;
  handleKey(press: KeyPress): void;
  resize(size: TerminalSize): void;
  /** Leave the screen (as `q` on the table does). */
  quit(): void;
  /**
   * Resolves once the user has quit, or with `failure` when the first load failed (there is
   * nothing to explore: the command reports the error as it would without the screen).
   */
  readonly done: Promise<{ readonly failure?: unknown }>;
  /** Abort whatever still runs (loads, verifies, downloads). */
  dispose(): void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Create the controller of the stats explorer.
 *
 * @example
 * ```ts
 * const controller = createExplorerController({ source, size: { columns: 80, rows: 24 } });
 * controller.start();
 * controller.handleKey({ input: "s", key: {} });
 * await controller.done;
 * ```
 */
export function createExplorerController(options: {
  readonly source: StatsSource;
  readonly size: TerminalSize;
  /** Clock for reference ages (tests pass a fixed one). */
  readonly now?: () => number;
}): ExplorerController {
  const { source } = options;
  const now = options.now ?? Date.now;
  let state = initialExplorerState({ location: source.location, size: options.size, now: now() });
  const listeners = new Set<() => void>();
  const running = new Set<AbortController>();
  let statsLoad: AbortController | undefined;
  let drillLoad: AbortController | undefined;
  let finish: (outcome: { readonly failure?: unknown }) => void = () => {};
  const done = new Promise<{ readonly failure?: unknown }>((resolve) => {
    finish = resolve;
  });

  const dispatch = (action: ExplorerAction) => {
    const next = explorerReducer(state, action);
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  };

  /** Run an effect with its own abort controller, aborted by dispose(). */
  const track = async <T>(
    work: (signal: AbortSignal) => Promise<T>,
    controller = new AbortController(),
  ): Promise<T> => {
    running.add(controller);
    try {
      return await work(controller.signal);
    } finally {
      running.delete(controller);
    }
  };

  const loadStats = (refresh: boolean) => {
    statsLoad?.abort();
    const controller = new AbortController();
    statsLoad = controller;
    dispatch({ type: "stats-loading", phase: "listing", seen: 0 });
    track(
      (signal) =>
        source.loadStats({
          refresh,
          signal,
          onProgress: (phase, seen) => {
            if (!signal.aborted) dispatch({ type: "stats-loading", phase, seen });
          },
        }),
      controller,
    ).then(
      ({ stats, provenance }) => {
        if (controller.signal.aborted) return;
        dispatch({ type: "stats-loaded", stats, provenance, now: now() });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const first = state.stats === undefined;
        dispatch({ type: "stats-failed", message: errorText(error) });
        if (first) finish({ failure: error });
      },
    );
  };

  const loadDrill = (deltaspace: string) => {
    drillLoad?.abort();
    const controller = new AbortController();
    drillLoad = controller;
    dispatch({ type: "drill-open", deltaspace });
    track(
      (signal) =>
        source.describeDeltaspace(deltaspace, {
          signal,
          onProgress: (listed, described) => {
            if (!signal.aborted)
              dispatch({ type: "drill-progress", deltaspace, listed, described });
          },
        }),
      controller,
    ).then(
      (objects) => {
        if (!controller.signal.aborted) dispatch({ type: "drill-loaded", deltaspace, objects });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) {
          dispatch({ type: "drill-failed", deltaspace, message: errorText(error) });
        }
      },
    );
  };

  /** The files of a deltaspace: from the open drill-down when it holds them, else read. */
  const objectsOf = async (deltaspace: string, signal: AbortSignal) => {
    const drill = state.drill;
    if (drill?.deltaspace === deltaspace && drill.load.status === "ready") return drill.objects;
    return source.describeDeltaspace(deltaspace, { signal, onProgress: () => {} });
  };

  const setStatus = (target: Target, tone: "running" | "ok" | "error", text: string) =>
    dispatch({ type: "status", key: statusKey(target), status: { tone, text } });

  const verify = (target: Target) => {
    const label = targetLabel(source.location, target);
    setStatus(target, "running", "verifying…");
    track(async (signal) => {
      if (target.kind === "object") {
        const result = await source.verify(target.key, signal);
        if (result.status === "ok") {
          const sha = `sha256 ${result.expectedSha256?.slice(0, 12)}…`;
          setStatus(target, "ok", `verified (${sha})`);
          dispatch({ type: "message", tone: "ok", text: `verified: ${label} (${sha})` });
        } else if (result.status === "unverifiable") {
          setStatus(target, "ok", "unverifiable: no SHA-256 recorded");
          dispatch({
            type: "message",
            tone: "note",
            text: `unverifiable: ${label} (no SHA-256 recorded)`,
          });
        } else {
          const text = `verify failed: ${result.message ?? "SHA-256 mismatch"}`;
          setStatus(target, "error", text);
          dispatch({ type: "message", tone: "error", text: `${label}: ${text}` });
        }
        return;
      }
      const files = userFiles(await objectsOf(target.deltaspace, signal));
      let checked = 0;
      const failed: string[] = [];
      await runPool(
        files,
        VERIFY_CONCURRENCY,
        async (file) => {
          const fileTarget = objectTarget(file, target.deltaspace);
          try {
            const result = await source.verify(file.key, signal);
            if (result.status === "mismatch") {
              failed.push(file.key);
              setStatus(
                fileTarget,
                "error",
                `verify failed: ${result.message ?? "SHA-256 mismatch"}`,
              );
            } else
              setStatus(fileTarget, "ok", result.status === "ok" ? "verified" : "unverifiable");
          } catch (error) {
            if (signal.aborted) throw error;
            failed.push(file.key);
            setStatus(fileTarget, "error", errorText(error));
          }
          checked += 1;
          setStatus(target, "running", `verifying ${checked}/${files.length}…`);
        },
        signal,
      );
      if (failed.length > 0) {
        setStatus(target, "error", `${failed.length} of ${files.length} failed`);
        dispatch({
          type: "message",
          tone: "error",
          text: `verify failed for ${failed.length} of ${files.length} files of ${label}`,
        });
      } else {
        setStatus(target, "ok", `${files.length} verified`);
        dispatch({
          type: "message",
          tone: "ok",
          text: `verified: all ${files.length} files of ${label}`,
        });
      }
    }).catch((error: unknown) => {
      setStatus(target, "error", errorText(error));
      dispatch({ type: "message", tone: "error", text: `${label}: ${errorText(error)}` });
    });
  };

  const download = (target: Target, path: string) => {
    const label = targetLabel(source.location, target);
    setStatus(target, "running", "downloading…");
    track(async (signal) => {
      if (target.kind === "object") {
        const written = await source.download(target.key, path, signal);
        setStatus(target, "ok", `saved to ${written}`);
        dispatch({ type: "message", tone: "ok", text: `download: ${label} to ${written}` });
        return;
      }
      const folder = path.endsWith("/") ? path : `${path}/`;
      const files = userFiles(await objectsOf(target.deltaspace, signal));
      for (const [index, file] of files.entries()) {
        setStatus(target, "running", `downloading ${index + 1}/${files.length}…`);
        await source.download(file.key, folder, signal);
      }
      setStatus(target, "ok", `${files.length} saved to ${folder}`);
      dispatch({
        type: "message",
        tone: "ok",
        text: `download: ${files.length} files of ${label} to ${folder}`,
      });
    }).catch((error: unknown) => {
      setStatus(target, "error", `download failed: ${errorText(error)}`);
      dispatch({
        type: "message",
        tone: "error",
        text: `download failed: ${label}: ${errorText(error)}`,
      });
    });
  };

  const askDelete = (target: Target) => {
    track(async (signal) => {
      const objects = await objectsOf(target.deltaspace, signal);
      const files = target.kind === "object" ? [target.key] : userFiles(objects).map((o) => o.key);
      if (files.length === 0) {
        dispatch({
          type: "message",
          tone: "note",
          text: `Nothing to delete in ${targetLabel(source.location, target)}: it holds no file.`,
        });
        return;
      }
      dispatch({
        type: "prompt",
        prompt: {
          kind: "delete",
          target,
          lines: deletePlanLines(source.location, target, objects),
        },
      });
    }).catch((error: unknown) => {
      dispatch({ type: "message", tone: "error", text: errorText(error) });
    });
  };

  const remove = (target: Target) => {
    const label = targetLabel(source.location, target);
    dispatch({ type: "prompt", prompt: undefined });
    setStatus(target, "running", "deleting…");
    track(async (signal) => {
      const keys =
        target.kind === "object"
          ? [target.key]
          : userFiles(await objectsOf(target.deltaspace, signal)).map((o) => o.key);
      const result = await source.remove(keys, signal);
      if (result.failed.length > 0) {
        const first = result.failed[0];
        setStatus(target, "error", `${result.failed.length} not deleted`);
        dispatch({
          type: "message",
          tone: "error",
          text: `delete failed: ${first?.key}: ${first?.message}`,
        });
      } else {
        setStatus(target, "ok", "deleted");
        dispatch({
          type: "message",
          tone: "ok",
          text:
            target.kind === "object"
              ? `delete: ${label}`
              : `delete: ${result.deleted.length} files of ${label}`,
        });
      }
      // The listing changed: read the figures (and the open folder) again.
      if (state.drill) loadDrill(state.drill.deltaspace);
      loadStats(false);
    }).catch((error: unknown) => {
      setStatus(target, "error", `delete failed: ${errorText(error)}`);
      dispatch({
        type: "message",
        tone: "error",
        text: `delete failed: ${label}: ${errorText(error)}`,
      });
    });
  };

  const currentTarget = (): Target | undefined => {
    const selected = selection(state);
    if (!selected) return undefined;
    return selected.kind === "object"
      ? objectTarget(selected.object, selected.deltaspace)
      : { kind: "deltaspace", deltaspace: selected.space.deltaspace };
  };

  const quit = () => {
    dispatch({ type: "quit" });
    finish({});
  };

  const editText = (press: KeyPress) => {
    const prompt = state.prompt;
    const editingPath = prompt?.kind === "download";
    const view = state.drill ? state.drill.view : state.table;
    const text = editingPath ? prompt.path : view.filter;
    if (press.key.return) {
      if (editingPath) {
        dispatch({ type: "prompt", prompt: undefined });
        if (prompt.path.trim() !== "") download(prompt.target, prompt.path.trim());
      } else dispatch({ type: "filter-end", keep: true });
      return;
    }
    if (press.key.escape) {
      if (editingPath) dispatch({ type: "prompt", prompt: undefined });
      else dispatch({ type: "filter-end", keep: false });
      return;
    }
    const next = textAfterKey(text, press);
    if (next === text) return;
    if (editingPath) dispatch({ type: "prompt", prompt: { ...prompt, path: next } });
    else dispatch({ type: "filter-text", text: next });
  };

  const handleKey = (press: KeyPress) => {
    const { input, key } = press;
    if (key.ctrl && input === "c") return quit();
    if (state.help) {
      dispatch({ type: "help", open: false });
      return;
    }
    if (isEditing(state)) return editText(press);
    const prompt = state.prompt;
    if (prompt?.kind === "delete") {
      if (input === "y" || input === "Y") remove(prompt.target);
      else if (input === "n" || input === "N" || input === "q" || key.escape || key.return) {
        dispatch({ type: "prompt", prompt: undefined });
        dispatch({ type: "message", tone: "note", text: "Nothing deleted." });
      }
      return;
    }
    const inDrill = state.drill !== undefined;
    if (input === "q" || key.escape) {
      if (inDrill) dispatch({ type: "back" });
      else if (key.escape && state.table.filter !== "")
        dispatch({ type: "filter-end", keep: false });
      else quit();
      return;
    }
    if (key.upArrow || input === "k") return dispatch({ type: "move", by: -1 });
    if (key.downArrow || input === "j") return dispatch({ type: "move", by: 1 });
    if (key.pageUp || (key.ctrl && input === "b")) return dispatch({ type: "page", direction: -1 });
    if (key.pageDown || (key.ctrl && input === "f") || input === " ") {
      return dispatch({ type: "page", direction: 1 });
    }
    if (key.home || input === "g") return dispatch({ type: "move-to", index: "first" });
    if (key.end || input === "G") return dispatch({ type: "move-to", index: "last" });
    if (input === "?") return dispatch({ type: "help", open: true });
    if (input === "/") return dispatch({ type: "filter-start" });
    if (input === "r") {
      if (inDrill && state.drill) loadDrill(state.drill.deltaspace);
      loadStats(true);
      return;
    }
    if (inDrill && (key.leftArrow || key.backspace || key.delete))
      return dispatch({ type: "back" });
    if (!inDrill) {
      const sortKey = SORT_KEYS[input];
      if (sortKey) return dispatch({ type: "sort", key: sortKey });
      if (key.return || key.rightArrow) {
        const selected = selection(state);
        if (selected?.kind === "deltaspace") loadDrill(selected.space.deltaspace);
        return;
      }
    }
    const target = currentTarget();
    if (!target) return;
    if (input === "v") verify(target);
    else if (input === "d") {
      const suggested =
        target.kind === "object"
          ? `./${baseName(target.key)}`
          : `./${baseName(target.deltaspace) || "root"}/`;
      dispatch({ type: "prompt", prompt: { kind: "download", target, path: suggested } });
    } else if (input === "x") askDelete(target);
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: () => loadStats(false),
    handleKey(press) {
      // Text keys may arrive several at once (a paste, or a fast typist under load).
      if (isTextKey(press) && press.input.length > 1 && !isEditing(state)) {
        for (const char of press.input) handleKey({ input: char, key: {} });
        return;
      }
      handleKey(press);
    },
    resize: (size) => dispatch({ type: "resize", size }),
    quit,
    done,
    dispose() {
      for (const controller of running) controller.abort();
      running.clear();
    },
  };
}
