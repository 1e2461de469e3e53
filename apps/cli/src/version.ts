import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const manifest = require("../package.json") as { readonly version: string };

/** This CLI's version, from its package.json. */
export const CLI_VERSION: string = manifest.version;
