import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { requestSignal } from "./request-signal.js";

describe("requestSignal", () => {
  it("is one signal per caller signal, aborted with it, and adds one listener to it", () => {
    const caller = new AbortController();
    const own = requestSignal(caller.signal);
    expect(requestSignal(caller.signal)).toBe(own);
    // Many requests in flight listen on our signal, not the caller's.
    for (let i = 0; i < 100; i += 1) own.addEventListener("abort", () => {});
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(1);
    expect(own.aborted).toBe(false);
    caller.abort(new Error("stop"));
    expect(own.aborted).toBe(true);
    expect((own.reason as Error).message).toBe("stop");
  });

  it("is aborted at once for a caller signal aborted already", () => {
    const own = requestSignal(AbortSignal.abort("gone"));
    expect(own.aborted).toBe(true);
    expect(own.reason).toBe("gone");
  });
});
