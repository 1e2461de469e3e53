import { CancelledError } from "@dg/sdk/common";

/** Holds back new transfers: while paused none starts, once stopped none ever will. */
export interface TransferGate {
  /**
   * Resolves when a new transfer may start; rejects with `CancelledError` once the gate is
   * stopped, or when `signal` aborts.
   */
  wait(signal: AbortSignal): Promise<void>;
}

/** A gate the user steers: pause and resume, or stop (files already running finish). */
export interface PauseGate extends TransferGate {
  readonly paused: boolean;
  readonly stopped: boolean;
  pause(): void;
  resume(): void;
  /** No transfer starts any more; waiting ones fail with `CancelledError`. */
  stop(): void;
}

/**
 * Create a gate for a batch of transfers.
 *
 * @example
 * ```ts
 * const gate = createPauseGate();
 * gate.pause();
 * const started = gate.wait(signal); // pending until gate.resume()
 * gate.resume();
 * await started;
 * ```
 */
export function createPauseGate(): PauseGate {
  let paused = false;
  let stopped = false;
  const waiting = new Set<{ resolve: () => void; reject: (error: unknown) => void }>();
  const stoppedError = () => new CancelledError("Stopped: no new file starts");
  return {
    get paused() {
      return paused;
    },
    get stopped() {
      return stopped;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const waiter of waiting) waiter.resolve();
      waiting.clear();
    },
    stop() {
      stopped = true;
      for (const waiter of waiting) waiter.reject(stoppedError());
      waiting.clear();
    },
    wait(signal) {
      if (stopped) return Promise.reject(stoppedError());
      if (signal.aborted) return Promise.reject(signal.reason);
      if (!paused) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          resolve: () => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          },
          reject: (error: unknown) => {
            signal.removeEventListener("abort", onAbort);
            reject(error);
          },
        };
        const onAbort = () => {
          waiting.delete(waiter);
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiting.add(waiter);
      });
    },
  };
}
