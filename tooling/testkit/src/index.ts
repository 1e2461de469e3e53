export type {
  ReferenceCacheContractOptions,
  ReferenceCacheFactory,
  ReferenceCacheHarness,
} from "./reference-cache.contract.js";
export { referenceCacheContract } from "./reference-cache.contract.js";
export type { MotoServer, StartMotoOptions } from "./moto.js";
export { resetMoto, startMoto } from "./moto.js";
export type {
  ObjectStoreContractOptions,
  ObjectStoreFactory,
  ObjectStoreHarness,
} from "./object-store.contract.js";
export { objectStoreContract } from "./object-store.contract.js";
export type { Rng } from "./seeded.js";
export { createRng, seededBytes, seededLetters, seededSlice, seededStream } from "./seeded.js";
export type { DeltaCodecContractOptions } from "./delta-codec.contract.js";
export { deltaCodecContract } from "./delta-codec.contract.js";
export { scratchSpaceContract } from "./scratch-space.contract.js";
export { failingDeletes } from "@dg/core/memory";
export type { PythonToolLookup } from "./python-tool.js";
export { findPythonTool } from "./python-tool.js";
export type { ChildRun, RunChildOptions } from "./child-run.js";
export { runChild } from "./child-run.js";
export type { SilentServer } from "./silent-server.js";
export { startSilentServer } from "./silent-server.js";
export { readSource, sameBytes, tempFolder } from "./temp-folder.js";
