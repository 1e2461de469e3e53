import { createMemoryScratchSpace, createPrefixCodec } from "@dg/core/memory";
import { deltaCodecContract } from "./delta-codec.contract.js";
import { scratchSpaceContract } from "./scratch-space.contract.js";

// The in-memory adapters of @dg/core pass the same suites as the real ones.
deltaCodecContract("core prefix codec", () => createPrefixCodec());
scratchSpaceContract("core memory scratch", () => createMemoryScratchSpace());
