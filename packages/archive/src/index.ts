export type { ArchiveCodecOptions } from "./archive-codec.js";
export { createArchiveCodec } from "./archive-codec.js";
export type { ContainerKind } from "./container.js";
export { detectContainer } from "./container.js";
export { ARCHIVE_DELTA_FORMAT, ARCHIVE_DELTA_MAGIC, isArchiveDelta } from "./delta-header.js";
export type { ArchiveEncodeReport } from "./encode-archive.js";
