import { createPrefixCodec } from "@dg/core/memory";
import { deltaCodecContract } from "@dg/testkit";
import { createNativeXdeltaCodec } from "@dg/xdelta";
import { createArchiveCodec } from "./archive-codec.js";

// Inputs that are no archive pass through to the inner codec: the wrapper keeps its contract.
deltaCodecContract(
  "archive codec over xdelta3",
  () => createArchiveCodec({ inner: createNativeXdeltaCodec() }),
  { detectsDamage: true },
);
deltaCodecContract("archive codec over the prefix codec", () =>
  createArchiveCodec({ inner: createPrefixCodec() }),
);
