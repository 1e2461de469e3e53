export { forgetAtExit, removeAtExit } from "./exit-cleanup.js";
export type { MakeFolderOptions, OpenFileOptions } from "./file-io.js";
export { makeFolder, openFile, readFully, writeFully } from "./file-io.js";
export type { FileHandleSourceOptions } from "./file-source.js";
export { fileHandleSource, openFileSource } from "./file-source.js";
export type { StreamFileOptions } from "./file-stream.js";
export { streamFile } from "./file-stream.js";
export type { FsErrorContext } from "./fs-errors.js";
export { errnoCode, mapFsError } from "./fs-errors.js";
export type { FsScratchSpaceOptions } from "./scratch-space.js";
export { createFsScratchSpace } from "./scratch-space.js";
export type { TempDir, TempFile, TempOptions } from "./temp-files.js";
export {
  createTempDir,
  createTempFile,
  sweepTempFolder,
  tempName,
  tempNameOwner,
} from "./temp-files.js";
export type { SweepOptions } from "./leftovers.js";
export {
  LEFTOVER_MIN_AGE_MS,
  OWNER_MARK_PATTERN,
  ownerGone,
  ownerMark,
  sweepLeftovers,
} from "./leftovers.js";
