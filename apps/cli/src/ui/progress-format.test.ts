import { describe, expect, it } from "vitest";
import { formatDuration, formatRate, progressBar, progressFigures } from "./progress-format.js";

const base = {
  filesPlanned: 4,
  filesDone: 0,
  filesFailed: 0,
  bytesPlanned: 4000,
  bytesDone: 0,
  originalBytesStored: 0,
  storedBytes: 0,
  startedAt: 0,
};

describe("progress formatting", () => {
  it("draws bars, durations and rates", () => {
    expect(progressBar(0.5, 10)).toBe("█████░░░░░");
    expect(progressBar(2, 4)).toBe("████");
    expect(progressBar(Number.NaN, 4)).toBe("░░░░");
    expect(formatDuration(75)).toBe("1:15");
    expect(formatDuration(3725)).toBe("1:02:05");
    expect(formatDuration(undefined)).toBe("--:--");
    expect(formatRate(8.5 * 1024 * 1024)).toBe("8.5 MiB/s");
  });

  it("computes fraction, rate, ETA and savings from bytes", () => {
    const figures = progressFigures(
      { ...base, bytesDone: 1000, filesDone: 1, originalBytesStored: 1000, storedBytes: 50 },
      2000,
    );
    expect(figures).toEqual({ fraction: 0.25, rate: 500, etaSeconds: 6, savedPercent: 95 });
  });

  it("falls back to file counts when sizes are unknown, and ends at 100%", () => {
    const half = progressFigures({ ...base, bytesPlanned: undefined, filesDone: 2 }, 4000);
    expect(half.fraction).toBe(0.5);
    expect(half.etaSeconds).toBe(4);
    expect(half.savedPercent).toBeUndefined();
    const done = progressFigures({ ...base, filesDone: 3, filesFailed: 1, bytesDone: 10 }, 1000);
    expect(done.fraction).toBe(1);
    expect(done.etaSeconds).toBe(0);
  });
});
