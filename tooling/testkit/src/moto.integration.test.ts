import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MotoServer, resetMoto, startMoto } from "./moto.js";

describe("startMoto / resetMoto", () => {
  let moto: MotoServer | undefined;
  // As long as startMoto itself waits: importing moto took over 20 s on a loaded machine.
  beforeAll(async () => {
    moto = await startMoto();
  }, 100_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it("serves S3 on a loopback port and resets its state", async () => {
    if (moto === undefined) throw new Error("moto did not start");
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await fetch(`${moto.endpoint}/harness-bucket`, { method: "PUT" });
    expect(created.status).toBe(200);
    expect(await (await fetch(`${moto.endpoint}/`)).text()).toContain("harness-bucket");
    await resetMoto(moto.endpoint);
    expect(await (await fetch(`${moto.endpoint}/`)).text()).not.toContain("harness-bucket");
  });

  it("fails clearly when the interpreter is missing", async () => {
    await expect(startMoto({ python: "no-such-python-3", timeoutMs: 5000 })).rejects.toThrow(
      /could not run moto/,
    );
  });
});
