import { scratchSpaceContract } from "@dg/testkit";
import { createFsScratchSpace } from "./scratch-space.js";

scratchSpaceContract("filesystem scratch space", () => createFsScratchSpace());
