// Run by `pnpm test` before the suites: the S3 tests start a moto server (`python3 -m
// moto.server`), so a fresh machine without moto gets it installed here, pinned, with pip.
// Prints one line and exits 1 when that cannot be done (no python3, no pip, no index).
import { spawnSync } from "node:child_process";

const MOTO = "moto[server]==5.2.1";
const python = process.env.DG_TEST_PYTHON ?? "python3";

const run = (args, stdio = "ignore") => spawnSync(python, args, { stdio, encoding: "utf8" });
const fail = (message) => {
  console.error(`test setup: ${message}`);
  process.exit(1);
};

const probe = run(["-c", "import moto.server"]);
if (probe.error) {
  fail(`${python} was not found; the S3 tests need Python 3 with ${MOTO} (pip install '${MOTO}').`);
}
if (probe.status !== 0) {
  if (run(["-m", "pip", "--version"]).status !== 0) {
    fail(`${python} has no moto and no pip to install it; install '${MOTO}' for ${python}.`);
  }
  console.error(`test setup: installing ${MOTO} for ${python} (the S3 tests run against moto)`);
  const install = run(
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", MOTO],
    ["ignore", "inherit", "inherit"],
  );
  if (install.status !== 0 || run(["-c", "import moto.server"]).status !== 0) {
    fail(`could not install ${MOTO} with pip; install it for ${python}, then run the tests again.`);
  }
}
