import { createHash } from "node:crypto";
import type { DeltaGliderClient } from "@dg/sdk";

/** A logical object's location. */
export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
}

async function sha256Of(
  client: DeltaGliderClient,
  object: ObjectRef,
  recorded: string | undefined,
  signal: AbortSignal,
): Promise<string> {
  if (recorded !== undefined) return recorded.toLowerCase();
  // No SHA-256 in its metadata (a foreign object): hash what a read returns, streamed.
  const { Body } = await client.getObject({ Bucket: object.bucket, Key: object.key }, { signal });
  const hash = createHash("sha256");
  for await (const chunk of Body) hash.update(chunk as Uint8Array);
  return hash.digest("hex");
}

/**
 * Whether two logical objects hold the same bytes: equal original sizes and equal SHA-256,
 * taken from deltaglider's metadata where recorded, else computed by reading the object.
 * Used by `migrate` to skip files a previous run already copied.
 *
 * @example
 * ```ts
 * if (await sameContent(client, { bucket: "a", key: "k" }, { bucket: "b", key: "k" }, signal)) {}
 * ```
 */
export async function sameContent(
  client: DeltaGliderClient,
  source: ObjectRef,
  destination: ObjectRef,
  signal: AbortSignal,
): Promise<boolean> {
  const [from, to] = await Promise.all([
    client.headObject({ Bucket: source.bucket, Key: source.key }, { signal }),
    client.headObject({ Bucket: destination.bucket, Key: destination.key }, { signal }),
  ]);
  if (from.ContentLength !== to.ContentLength) return false;
  const [a, b] = await Promise.all([
    sha256Of(client, source, from.DeltaGliderInfo.Sha256, signal),
    sha256Of(client, destination, to.DeltaGliderInfo.Sha256, signal),
  ]);
  return a === b;
}
