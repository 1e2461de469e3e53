import { createRequire } from "node:module";

// Read from package.json (one level above both src/ and dist/) so releases never go stale.
const manifest = createRequire(import.meta.url)("../package.json") as { version: string };

/** This package's version, written into `dg-tool` as `deltaglider-ts/<version>`. */
export const SDK_VERSION: string = manifest.version;
