/**
 * A one-line progress bar on stderr (bytes done / total, rate, ETA), drawn only on a terminal and
 * at most a few times a second, so piping the output or `--quiet` leaves it off.
 */
import { formatBytes, formatDuration } from './format.js';

/** Reports bytes copied so far out of a total. */
export interface ProgressReporter {
  update(done: number, total: number): void;
  finish(): void;
}

/** A reporter that draws nothing. */
export const silentProgress: ProgressReporter = { update() {}, finish() {} };

/** A reporter that redraws one line of `stream` at most every `intervalMs`. */
export function terminalProgress(
  stream: { write(text: string): unknown; columns?: number } = process.stderr,
  intervalMs = 200,
): ProgressReporter {
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - lastDraw < intervalMs && done < total) return;
      lastDraw = now;
      drawn = true;
      // Clear to the end of the line: a shorter line (`ETA 5.8 s` after `ETA 12.4 s`) would leave the
      // tail of the longer one behind it.
      stream.write(`\r${progressLine(done, total, (now - started) / 1000, stream.columns ?? 80)}\x1b[K`);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

/** The text of one progress line, fitted to `columns`. */
export function progressLine(done: number, total: number, seconds: number, columns: number): string {
  const fraction = total > 0 ? Math.min(done / total, 1) : 1;
  const rate = seconds > 0 ? done / seconds : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.NaN;
  const info =
    ` ${(fraction * 100).toFixed(0).padStart(3)}% ${formatBytes(done)} / ${formatBytes(total)}` +
    ` ${formatBytes(rate)}/s ETA ${Number.isFinite(eta) ? formatDuration(eta) : '?'}`;
  const width = Math.max(10, Math.min(40, columns - info.length - 3));
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${info}`;
}
