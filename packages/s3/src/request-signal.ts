import { setMaxListeners } from "node:events";

const linked = new WeakMap<AbortSignal, AbortSignal>();

/**
 * The signal handed to the AWS SDK for requests made under a caller's signal: one of our own
 * per caller signal, aborted with it. Each request in flight adds an abort listener to the
 * signal it is given, and a listing with 64 HEADs in flight would exceed Node's warning limit
 * (10) on the caller's signal, whose limit is not ours to lift; on our own signal it is lifted.
 *
 * @example
 * ```ts
 * await client.send(command, { abortSignal: requestSignal(options.signal) });
 * ```
 */
export function requestSignal(signal: AbortSignal): AbortSignal {
  let own = linked.get(signal);
  if (own === undefined) {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
    own = controller.signal;
    linked.set(signal, own);
  }
  return own;
}
