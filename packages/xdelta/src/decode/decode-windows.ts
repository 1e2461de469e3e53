import type { RandomAccessSource } from "@dg/core";
import { throwIfAborted } from "@dg/core";
import { adler32 } from "../vcdiff/adler32.js";
import { createAddressCache } from "../vcdiff/address-cache.js";
import { DEFAULT_CODE_TABLE } from "../vcdiff/code-table.js";
import {
  VCD_ADDRCOMP,
  VCD_ADLER32,
  VCD_DATACOMP,
  VCD_INSTCOMP,
  VCD_SOURCE,
  VCD_TARGET,
} from "../vcdiff/header.js";
import type { DeltaInput } from "./delta-input.js";
import { damaged } from "./errors.js";
import type { VcdiffHeader } from "./file-header.js";
import { createDirectReads, performDirectReads, planDirectReads } from "./direct-reads.js";
import type { SegmentBytes, WindowCode } from "./instructions.js";
import { createInstructionBatch, executeBatch, readInstructions } from "./instructions.js";
import type { DecodeVcdiffOptions } from "./options.js";
import {
  DEFAULT_MAX_TARGET_HISTORY,
  DEFAULT_MAX_WINDOW_SIZE,
  DEFAULT_SOURCE_CACHE_SIZE,
  DEFAULT_SOURCE_READ_CONCURRENCY,
} from "./options.js";

import { createSecondaryDecoder } from "./secondary.js";
import { createSourceBlockCache } from "./block-cache.js";
import { collectSegmentCopies, compactSegment, createRangeCollector } from "./segment.js";
import type { HistoryEntry } from "./segment-reader.js";
import { plainView, readHistoryRanges, readSourceRanges } from "./segment-reader.js";
import { parseWindowBody } from "./window-body.js";

/**
 * Decode the windows that follow the file header, yielding each target window. Memory is
 * bounded by the window size limit and two fixed budgets: one window's delta, its sections,
 * the source bytes its COPY instructions use, the target window, the source block cache
 * (`sourceCacheSize`) and the VCD_TARGET history (`maxTargetHistory`).
 */
export async function* decodeWindows(
  source: RandomAccessSource,
  input: DeltaInput,
  header: VcdiffHeader,
  options: DecodeVcdiffOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const signal = options.signal;
  const maxWindow = options.maxWindowSize ?? DEFAULT_MAX_WINDOW_SIZE;
  const maxHistory = options.maxTargetHistory ?? DEFAULT_MAX_TARGET_HISTORY;
  const verify = options.verifyChecksums ?? true;
  const expectedSize = options.expectedSize;
  // A window's delta is its sections plus a few varints; sections may exceed the target a
  // little (incompressible ADD data, addresses), never by much.
  const maxDeltaLength = 2 * maxWindow + 64 * 1024;
  const table = DEFAULT_CODE_TABLE;
  const cache = createAddressCache();
  const history: HistoryEntry[] = [];
  let historyBytes = 0;
  let targetOffset = 0;
  let windowIndex = 0;
  const secondary = createSecondaryDecoder(header.secondaryCompressor);
  const readConcurrency = options.sourceReadConcurrency ?? DEFAULT_SOURCE_READ_CONCURRENCY;
  const cacheBytes = options.sourceCacheSize ?? DEFAULT_SOURCE_CACHE_SIZE;
  const batch = createInstructionBatch();
  const direct = new Uint8Array(batch.kinds.length);
  const reads = createDirectReads();
  const blocks = createSourceBlockCache(source, {
    maxBytes: cacheBytes,
    concurrency: readConcurrency,
  });
  try {
    while (!(await input.atEnd())) {
      throwIfAborted(signal);
      const where = `window ${windowIndex}`;
      const indicator = await input.readByte(`the indicator of ${where}`);
      if ((indicator & ~(VCD_SOURCE | VCD_TARGET | VCD_ADLER32)) !== 0) {
        throw damaged(`unknown indicator bits 0x${indicator.toString(16)} in ${where}`);
      }
      const fromSource = (indicator & VCD_SOURCE) !== 0;
      const fromTarget = (indicator & VCD_TARGET) !== 0;
      if (fromSource && fromTarget) throw damaged(`${where} has both VCD_SOURCE and VCD_TARGET`);
      let segmentLength = 0;
      let segmentPosition = 0;
      if (fromSource || fromTarget) {
        segmentLength = await input.readVarint(`the segment length of ${where}`);
        segmentPosition = await input.readVarint(`the segment position of ${where}`);
        const limit = fromSource ? source.size : targetOffset;
        if (segmentPosition > limit || segmentLength > limit - segmentPosition) {
          throw damaged(
            `${where} refers to bytes ${segmentPosition}..${segmentPosition + segmentLength} of the ${
              fromSource ? "source" : "target"
            }, which has ${limit}`,
          );
        }
      }
      const deltaLength = await input.readVarint(`the delta length of ${where}`);
      if (deltaLength > maxDeltaLength) {
        throw damaged(`${where} declares ${deltaLength} bytes of delta (limit ${maxDeltaLength})`);
      }
      if (!(await input.fill(deltaLength))) throw damaged(`truncated in ${where}`);
      const body = input.take(deltaLength);

      const window = parseWindowBody(body, (indicator & VCD_ADLER32) !== 0, maxWindow, where);
      const { targetLength, deltaIndicator, checksum } = window;
      if (expectedSize !== undefined && targetLength > expectedSize - targetOffset) {
        throw damaged(`the delta decodes to more than the expected ${expectedSize} bytes`);
      }
      let { data, inst, addr } = window;
      const sectionLimit = 2 * targetLength + 64 * 1024;
      if ((deltaIndicator & VCD_DATACOMP) !== 0) {
        data = await secondary.decompress("data", data, sectionLimit);
      }
      if ((deltaIndicator & VCD_INSTCOMP) !== 0) {
        inst = await secondary.decompress("instruction", inst, sectionLimit);
      }
      if ((deltaIndicator & VCD_ADDRCOMP) !== 0) {
        addr = await secondary.decompress("address", addr, sectionLimit);
      }
      throwIfAborted(signal);

      const code: WindowCode = { data, inst, addr, targetLength, segmentLength };
      // No zero fill: a window is only yielded when its instructions wrote every byte.
      const target = plainView(Buffer.allocUnsafeSlow(targetLength));
      const reader = readInstructions(code, table, cache);
      // The instructions run a bounded batch at a time. Per batch: long stretches of source
      // copies are read straight into the target; the other copies' source bytes come from
      // the block cache (nearby copies share blocks, and the next windows mostly reuse them),
      // or, when they are too scattered for whole blocks, as exact ranges; VCD_TARGET
      // segments from the output kept.
      while (reader.next(batch)) {
        throwIfAborted(signal);
        let segment: SegmentBytes | undefined;
        let cached = false;
        const collector = createRangeCollector();
        if (fromSource) {
          planDirectReads(batch, segmentLength, segmentPosition, direct, reads, collector);
        } else if (fromTarget) {
          collectSegmentCopies(batch, segmentLength, collector);
        }
        const ranges = collector.finish(Math.max(targetLength, 1024 * 1024));
        const fallback = async (): Promise<void> => {
          if (ranges.count === 0) return; // every segment copy is read directly
          if (fromTarget) {
            readHistoryRanges(history, segmentPosition, ranges, maxHistory);
            segment = compactSegment(ranges);
          } else if (
            blocks.cost(ranges.starts, ranges.ends, segmentPosition) <=
            2 * targetLength + cacheBytes
          ) {
            cached = true;
            await blocks.load(ranges.starts, ranges.ends, segmentPosition, signal);
            segment = blocks.segment(segmentPosition);
          } else {
            await readSourceRanges(source, segmentPosition, ranges, signal, readConcurrency);
            segment = compactSegment(ranges);
          }
        };
        if (readConcurrency > 1) {
          await Promise.all([
            performDirectReads(source, reads, target, signal, readConcurrency),
            fallback(),
          ]);
        } else {
          // One read at a time: the source may reuse its buffer (see sourceReadConcurrency).
          await performDirectReads(source, reads, target, signal, 1);
          await fallback();
        }
        try {
          executeBatch(
            batch,
            data,
            segmentLength,
            segment,
            fromSource ? direct : undefined,
            target,
          );
        } finally {
          if (cached) blocks.release();
        }
        reads.count = 0;
      }
      if (verify && checksum !== undefined && adler32(target) !== checksum) {
        throw damaged(`the checksum of ${where} does not match (wrong source, or damaged delta)`);
      }

      if (maxHistory > 0 && targetLength > 0) {
        history.push({ start: targetOffset, bytes: target });
        historyBytes += targetLength;
        while (history.length > 1 && historyBytes - history[0]!.bytes.length >= maxHistory) {
          historyBytes -= history.shift()!.bytes.length;
        }
      }
      targetOffset += targetLength;
      windowIndex++;
      if (targetLength > 0) yield target;
    }
    if (expectedSize !== undefined && targetOffset !== expectedSize) {
      throw damaged(
        `the delta ends after ${targetOffset} bytes of output, not the expected ${expectedSize} (truncated delta?)`,
      );
    }
  } finally {
    secondary.dispose();
  }
}
