import { render } from "ink-testing-library";
import type { ReactElement } from "react";

/** Escape sequences of the keys screen tests press. */
export const KEYS = {
  up: "\u001B[A",
  down: "\u001B[B",
  right: "\u001B[C",
  left: "\u001B[D",
  pageDown: "\u001B[6~",
  pageUp: "\u001B[5~",
  home: "\u001B[H",
  end: "\u001B[F",
  enter: "\r",
  escape: "\u001B",
  backspace: "\u007F",
  ctrlC: "\u0003",
} as const;

/** One turn of the event loop: lets React commit and Ink write the frame. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Render a screen in a fake terminal of `columns` × `rows` and drive it with keys. Waits are
 * counted in event-loop turns, never in time.
 */
export async function drive(element: ReactElement, size = { columns: 80, rows: 24 }) {
  const instance = render(element);
  const { stdout, stdin } = instance;
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(stdout, "columns", { value: columns, configurable: true });
    Object.defineProperty(stdout, "rows", { value: rows, configurable: true });
    stdout.emit("resize");
  };
  resize(size.columns, size.rows);
  const frame = () => instance.lastFrame() ?? "";
  /** Wait until the frame satisfies `check` (at most `turns` event-loop turns). */
  const until = async (check: (frame: string) => boolean, turns = 200): Promise<string> => {
    for (let i = 0; i < turns; i += 1) {
      if (check(frame())) return frame();
      await turn();
    }
    throw new Error(`The screen never showed what was expected. Last frame:\n${frame()}`);
  };
  const untilShows = (text: string | RegExp) =>
    until((shown) => (typeof text === "string" ? shown.includes(text) : text.test(shown)));
  await turn();
  return {
    ...instance,
    frame,
    until,
    untilShows,
    resize,
    /** Press keys one at a time, letting each frame draw. */
    async press(...keys: readonly string[]) {
      for (const key of keys) {
        stdin.write(key);
        await turn();
        await turn();
      }
    },
    /** Type text one character at a time. */
    async type(text: string) {
      for (const char of text) {
        stdin.write(char);
        await turn();
      }
      await turn();
    },
  };
}

/** The lines of a frame, without trailing blanks. */
export function linesOf(frame: string): string[] {
  return frame.split("\n").map((line) => line.trimEnd());
}
