// Imported first by main.ts: Ink's colour library reads the environment once, when it loads,
// and knows FORCE_COLOR but not NO_COLOR (https://no-color.org). Translate before it loads.
if (process.env.NO_COLOR && process.env.NO_COLOR !== "" && process.env.FORCE_COLOR === undefined) {
  process.env.FORCE_COLOR = "0";
}

export {};
