/**
 * MergedRanges: which range reads made together share a request (same URL, at most 64 KiB apart,
 * at most 16 MiB merged), how the answer is cut back into them, and that a failed request fails
 * every read it carried.
 */
import { describe, expect, it } from 'vitest';
import { MAX_MERGED_BYTES, MERGE_GAP_BYTES, MergedRanges } from '../src/merged-ranges.js';

/** A fetch over a made-up file whose byte at `i` is `i % 251`, logging what it is asked. */
function counting(fail?: (url: string) => Error | undefined) {
  const asked: [string, number, number, string][] = [];
  const ranges = new MergedRanges(async (url, offset, length, what) => {
    asked.push([url, offset, length, what]);
    const error = fail?.(url);
    if (error !== undefined) throw error;
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = (offset + i) % 251;
    return bytes;
  });
  return { ranges, asked };
}

function expectBytes(bytes: Uint8Array, offset: number, length: number): void {
  expect(bytes.length).toBe(length);
  expect(bytes.every((b, i) => b === (offset + i) % 251)).toBe(true);
}

describe('MergedRanges', () => {
  it('merges neighbours of one URL (overlapping, adjacent, or up to 64 KiB apart) into one request', async () => {
    const { ranges, asked } = counting();
    const reads: [string, number, number][] = [
      ['u', 1000, 100],
      ['u', 0, 1000], // adjacent, asked after
      ['u', 1050, 100], // overlapping
      ['u', 1150 + MERGE_GAP_BYTES, 10], // exactly the gap away
      ['u', 1160 + 2 * MERGE_GAP_BYTES + 1, 10], // one byte too far: its own request
      ['v', 0, 10], // another URL: its own request
    ];
    const got = await Promise.all(
      reads.map(([url, offset, length]) => ranges.read(url, offset, length, `k${offset}`)),
    );
    reads.forEach(([, offset, length], i) => expectBytes(got[i]!, offset, length));
    expect(asked).toEqual([
      ['u', 0, 1160 + MERGE_GAP_BYTES, 'k0 (with 3 neighbouring references)'],
      ['u', 1161 + 2 * MERGE_GAP_BYTES, 10, `k${1161 + 2 * MERGE_GAP_BYTES}`],
      ['v', 0, 10, 'k0'],
    ]);
    // Every read owns its bytes.
    got[0]![0] = 255;
    expect(got[2]![0]).toBe(1050 % 251);
  });

  it('starts a new request past 16 MiB, and a read larger than that is one request', async () => {
    const { ranges, asked } = counting();
    const piece = 4 * 1024 * 1024;
    const offsets = [0, 1, 2, 3, 4, 5].map((i) => i * piece);
    await Promise.all(offsets.map((offset) => ranges.read('u', offset, piece, 'k')));
    expect(asked.map(([, offset, length]) => [offset, length])).toEqual([
      [0, MAX_MERGED_BYTES],
      [MAX_MERGED_BYTES, 2 * piece],
    ]);
    asked.length = 0;
    await ranges.read('u', 0, MAX_MERGED_BYTES + 5, 'big');
    expect(asked).toEqual([['u', 0, MAX_MERGED_BYTES + 5, 'big']]);
  });

  it('fails every read of a failed request with its error; reads made later ask again', async () => {
    let broken = true;
    const { ranges, asked } = counting(() => (broken ? new Error('u: HTTP 500') : undefined));
    const reads = [ranges.read('u', 0, 10, 'a'), ranges.read('u', 10, 10, 'b')];
    const errors = await Promise.all(reads.map((r) => r.catch((e: unknown) => e)));
    expect(errors[0]).toBe(errors[1]);
    expect((errors[0] as Error).message).toBe('u: HTTP 500');
    broken = false;
    expectBytes(await ranges.read('u', 0, 20, 'a'), 0, 20);
    expect(asked).toHaveLength(2);
  });
});
