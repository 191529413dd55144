/** The terminal progress bar: what a line shows, how often it is redrawn, and that it is cleared. */
import { describe, expect, it } from 'vitest';
import { progressLine, terminalProgress } from '../src/progress.js';

const CLEAR_TO_END = '\x1b[K';
const ESCAPED_CLEAR = '\\x1b\\[K';

describe('terminalProgress', () => {
  it('draws the first update, skips updates within the interval, always draws the last', () => {
    const writes: string[] = [];
    const bar = terminalProgress({ write: (text: string) => writes.push(text), columns: 100 }, 60_000);
    bar.update(1_000_000, 4_000_000);
    bar.update(2_000_000, 4_000_000);
    bar.update(3_000_000, 4_000_000);
    bar.update(4_000_000, 4_000_000);
    bar.finish();
    expect(writes).toHaveLength(3);
    expect(writes[0]).toMatch(/^\r\[#+-+\]\s+25% 1\.00 MB \/ 4\.00 MB .*B\/s ETA /);
    expect(writes[1]).toMatch(/^\r\[#+\] 100% 4\.00 MB \/ 4\.00 MB /);
    // Each line clears what is left of the one before it.
    for (const line of writes) expect(line.endsWith(CLEAR_TO_END)).toBe(true);
    expect(writes[2]).toBe('\r\x1b[K');
  });

  it('leaves nothing of a longer line behind a shorter one (no `ETA 5.8 ss`)', () => {
    // A terminal of one line: \r goes to its start, \x1b[K clears to its end, text overwrites.
    let screen = '';
    let cursor = 0;
    const terminal = {
      columns: 100,
      write(text: string) {
        for (const part of text.split(new RegExp(`(\r|${ESCAPED_CLEAR})`))) {
          if (part === '\r') cursor = 0;
          else if (part === CLEAR_TO_END) screen = screen.slice(0, cursor);
          else {
            screen = screen.slice(0, cursor) + part + screen.slice(cursor + part.length);
            cursor += part.length;
          }
        }
      },
    };
    const lines: string[] = [];
    const bar = terminalProgress(
      {
        columns: terminal.columns,
        write(text: string) {
          lines.push(text.replace('\r', '').replace(CLEAR_TO_END, ''));
          terminal.write(text);
        },
      },
      0,
    );
    bar.update(123_456_789, 987_654_321_000);
    bar.update(4, 4);
    expect(lines[1]!.length).toBeLessThan(lines[0]!.length);
    expect(screen).toBe(lines[1]);
    bar.finish();
    expect(screen).toBe('');
  });

  it('leaves the terminal alone when nothing was drawn', () => {
    const writes: string[] = [];
    terminalProgress({ write: (text: string) => writes.push(text) }).finish();
    expect(writes).toEqual([]);
  });

  it('fits the line to narrow terminals and shows an unknown ETA before any byte', () => {
    const line = progressLine(0, 5_000_000, 0, 40);
    expect(line).toMatch(/^\[-{10}\]\s+0% 0 B \/ 5\.00 MB 0 B\/s ETA \?$/);
    expect(progressLine(0, 0, 1, 80)).toMatch(/100%/);
    expect(progressLine(10, 100, 1, 200).length).toBeLessThan(200);
  });
});
