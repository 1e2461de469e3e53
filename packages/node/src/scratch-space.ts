import type {
  ByteStream,
  OperationOptions,
  RandomAccessSource,
  ScratchBlob,
  ScratchSpace,
  ScratchWriter,
} from "@dg/core";
import { InternalError } from "@dg/core";
import { writeFully } from "./file-io.js";
import { openFileSource } from "./file-source.js";
import { streamFile } from "./file-stream.js";
import { mapFsError } from "./fs-errors.js";
import { createTempFile } from "./temp-files.js";
import type { TempFile } from "./temp-files.js";

/** Options of {@link createFsScratchSpace}. */
export interface FsScratchSpaceOptions {
  /** Where temp files go. Default `os.tmpdir()`. */
  readonly directory?: string;
}

/**
 * Scratch space in temp files: `deltaglider-<pid>-<host token>-<random>.tmp`, created with mode 0600,
 * deleted by `dispose` and, for any left over, when the process exits normally. The bytes are
 * stored as they are (they are the user's own, in transit).
 *
 * @example
 * ```ts
 * const scratch = createFsScratchSpace();
 * const writer = await scratch.create();
 * await writer.write(new TextEncoder().encode("hello"));
 * const blob = await writer.finish();
 * for await (const chunk of blob.open()) process.stdout.write(chunk);
 * await blob.dispose();
 * ```
 */
export function createFsScratchSpace(options: FsScratchSpaceOptions = {}): ScratchSpace {
  return {
    async create(): Promise<ScratchWriter> {
      const temp = await createTempFile({ directory: options.directory, suffix: ".tmp" });
      return scratchWriter(temp);
    },
  };
}

function scratchWriter(temp: TempFile): ScratchWriter {
  const { path, handle } = temp;
  let state: "writing" | "finished" | "disposed" = "writing";
  let size = 0;
  let pending: Promise<void> = Promise.resolve();

  const dispose = async (): Promise<void> => {
    if (state === "disposed") return;
    state = "disposed";
    await pending.catch(() => undefined);
    await handle.close().catch(() => undefined);
    await temp.remove();
  };

  return {
    write(chunk: Uint8Array): Promise<void> {
      if (state !== "writing") {
        return Promise.reject(new InternalError(`Write to a scratch file that is ${state}`));
      }
      // Writes run one after the other even when the caller does not await each one.
      const position = size;
      size += chunk.length;
      pending = pending.then(() =>
        writeFully(handle, chunk, position, { action: "write the temporary file", path }),
      );
      return pending;
    },
    async finish(): Promise<ScratchBlob> {
      if (state !== "writing") throw new InternalError(`Finish of a scratch file that is ${state}`);
      state = "finished";
      try {
        await pending;
        await handle.close();
      } catch (error) {
        await temp.remove();
        throw mapFsError(error, { action: "write the temporary file", path });
      }
      return scratchBlob(temp, size);
    },
    dispose,
  };
}

function scratchBlob(temp: TempFile, size: number): ScratchBlob {
  const { path } = temp;
  let disposed = false;
  return {
    size,
    open(options?: OperationOptions): ByteStream {
      if (disposed) throw new InternalError("Open of a scratch file after dispose");
      return streamFile(path, options?.signal === undefined ? {} : { signal: options.signal });
    },
    async openRandomAccess(): Promise<RandomAccessSource> {
      if (disposed) throw new InternalError("Open of a scratch file after dispose");
      return openFileSource(path);
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await temp.remove();
    },
  };
}
