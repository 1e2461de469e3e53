export type {
  ReferenceCacheContractOptions,
  ReferenceCacheFactory,
  ReferenceCacheHarness,
} from "./reference-cache.contract.js";
export { referenceCacheContract } from "./reference-cache.contract.js";
