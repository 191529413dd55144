/**
 * Ctrl-C and SIGTERM: the writers' temporary outputs (hidden siblings of the target, which only a
 * finished write renames into place) are removed before the process exits with the shell's status
 * for the signal, 128 + its number, and one line says so.
 */
import { discardLiveTemporaries } from '@nwbjs/core/node';

const SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

/** Installs the handlers; for the executable only (a library must not take over signals). */
export function exitCleanlyOnSignals(
  err: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  exit: (code: number) => never = process.exit,
): void {
  for (const [signal, code] of Object.entries(SIGNALS)) {
    process.once(signal, () => {
      // Synchronous, so no pending write gets to run between the removal and the exit.
      const removed = discardLiveTemporaries();
      const what = removed.length === 0 ? '' : '; the unfinished output was removed';
      // Over the progress bar, if one is drawn.
      err.write(`${err.isTTY ? '\r\x1b[K' : ''}nwb-convert: interrupted (${signal})${what}\n`);
      exit(code);
    });
  }
}
