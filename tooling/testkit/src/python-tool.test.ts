import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findPythonTool } from "./python-tool.js";

describe("findPythonTool", () => {
  const dir = mkdtempSync(join(tmpdir(), "dg-python-tool-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("says where it looked when the tool is absent", () => {
    const found = findPythonTool({ DG_PYTHON_TOOL: join(dir, "missing") });
    expect(found).toEqual({ found: false, reason: expect.stringContaining("DG_PYTHON_TOOL") });
  });

  it("refuses a tool that does not run, with its last error line", () => {
    const broken = join(dir, "broken");
    writeFileSync(broken, "#!/bin/sh\necho 'ModuleNotFoundError: boto3' >&2\nexit 1\n");
    chmodSync(broken, 0o755);
    const found = findPythonTool({ DG_PYTHON_TOOL: broken });
    expect(found).toEqual({ found: false, reason: expect.stringContaining("boto3") });
  });

  it("accepts a tool that answers --version", () => {
    const ok = join(dir, "ok");
    writeFileSync(ok, "#!/bin/sh\necho 'deltaglider 6.1.2'\n");
    chmodSync(ok, 0o755);
    expect(findPythonTool({ DG_PYTHON_TOOL: ok })).toEqual({ found: true, path: ok });
  });
});
