// Imported first by main.ts, before any library reads the environment.

// Ink's colour library reads the environment once, when it loads, and knows FORCE_COLOR but not
// NO_COLOR (https://no-color.org): translate before it loads.
if (process.env.NO_COLOR && process.env.NO_COLOR !== "" && process.env.FORCE_COLOR === undefined) {
  process.env.FORCE_COLOR = "0";
}

// The AWS SDK warns on every run under Node 20 about its future releases; that is for the
// people who pin it (us), not for the users of this command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export {};
