import { describe, expect, it } from "vitest";
import { createPauseGate } from "./transfer-gate.js";

const never = new AbortController().signal;

async function state(promise: Promise<void>): Promise<"resolved" | "rejected" | "pending"> {
  const marker = Symbol("pending");
  const settled = await Promise.race([
    promise.then(
      () => "resolved" as const,
      () => "rejected" as const,
    ),
    new Promise<typeof marker>((resolve) => setImmediate(() => resolve(marker))),
  ]);
  return settled === marker ? "pending" : settled;
}

describe("pause gate", () => {
  it("lets transfers start until paused, holds them while paused, releases them on resume", async () => {
    const gate = createPauseGate();
    expect(await state(gate.wait(never))).toBe("resolved");
    gate.pause();
    expect(gate.paused).toBe(true);
    const held = [gate.wait(never), gate.wait(never)];
    expect(await state(held[0] as Promise<void>)).toBe("pending");
    gate.resume();
    expect(await Promise.all(held.map(state))).toEqual(["resolved", "resolved"]);
  });

  it("refuses every transfer once stopped, the waiting ones too", async () => {
    const gate = createPauseGate();
    gate.pause();
    const held = gate.wait(never);
    gate.stop();
    await expect(held).rejects.toMatchObject({ code: "CANCELLED" });
    await expect(gate.wait(never)).rejects.toMatchObject({ code: "CANCELLED" });
    gate.resume();
    await expect(gate.wait(never)).rejects.toMatchObject({ code: "CANCELLED" });
  });

  it("gives up waiting when the signal aborts", async () => {
    const gate = createPauseGate();
    gate.pause();
    const controller = new AbortController();
    const held = gate.wait(controller.signal);
    controller.abort(new Error("interrupted"));
    await expect(held).rejects.toThrow("interrupted");
    await expect(gate.wait(controller.signal)).rejects.toThrow("interrupted");
  });
});
