import { optionalEntry } from "@dg/core";
import { type ClientContext, signalOption } from "./context.js";
import { locationOf } from "./location.js";
import { savingsOf } from "./objects.js";
import type { RequestOptions } from "./object-types.js";
import type { ObjectInfoResult, S3Location } from "./simple-types.js";

/** One object's deltaglider facts, from one or two HEADs (the key, then `<key>.delta`). */
export async function getObjectInfo(
  ctx: ClientContext,
  location: S3Location,
  options: RequestOptions = {},
): Promise<ObjectInfoResult> {
  const { bucket, key } = locationOf(location);
  const info = await ctx.service.head(bucket, key, signalOption(options.signal));
  const { savingsPercent, deltaRatio } = savingsOf(info.size, info.storedSize);
  return {
    bucket,
    key: info.key,
    storedKey: info.storedKey,
    storageType: info.kind,
    isDelta: info.kind === "delta",
    size: info.size,
    storedSize: info.storedSize,
    compressionRatio: deltaRatio,
    savingsPercent,
    ...optionalEntry("sha256", info.sha256),
    ...optionalEntry("referenceKey", info.referenceKey),
    ...optionalEntry("directReason", info.directReason),
    lastModified: info.lastModified,
    ...optionalEntry("etag", info.etag),
    ...optionalEntry("contentType", info.contentType),
    metadata: { ...info.metadata },
    ...optionalEntry("tagCount", info.tagCount),
  };
}
