import { describe, expect, it } from 'vitest';
import { defaultChunks } from '../src/tree/default-chunks.js';
import { ValidationError } from '../src/errors.js';

const MiB = 1024 * 1024;
const bytes = (chunks: number[], item: number) => chunks.reduce((n, c) => n * c, item);

describe('defaultChunks', () => {
  it('gives one frame per chunk for image-like data', () => {
    expect(defaultChunks('uint8', [2000, 512, 512])).toEqual([1, 512, 512]);
    expect(defaultChunks('uint8', [10, 3, 512, 512])).toEqual([1, 3, 512, 512]);
    expect(defaultChunks('uint16', [100, 1024, 1024])).toEqual([1, 1024, 1024]);
  });

  it('splits frames bigger than 4 MiB', () => {
    const chunks = defaultChunks('uint16', [100, 2048, 2048]);
    expect(chunks[0]).toBe(1);
    expect(bytes(chunks, 2)).toBeLessThanOrEqual(4 * MiB);
    expect(bytes(chunks, 2)).toBeGreaterThanOrEqual(MiB / 2);
  });

  it('groups small frames and rows to about 1 MiB', () => {
    expect(defaultChunks('uint16', [1000, 64, 64])).toEqual([128, 64, 64]);
    expect(defaultChunks('float64', [10_000_000])).toEqual([131072]);
    const ephys = defaultChunks('int16', [3_000_000, 384]);
    expect(ephys[1]).toBe(384);
    expect(bytes(ephys, 2)).toBeGreaterThan(MiB / 2);
    expect(bytes(ephys, 2)).toBeLessThanOrEqual(MiB);
  });

  it('splits rows bigger than 4 MiB', () => {
    const chunks = defaultChunks('float64', [10, 10_000_000]);
    expect(chunks[0]).toBe(1);
    expect(bytes(chunks, 8)).toBeLessThanOrEqual(4 * MiB);
    expect(bytes(chunks, 8)).toBeGreaterThanOrEqual(MiB / 2);
  });

  it('never exceeds small datasets and never gives a zero extent', () => {
    expect(defaultChunks('float32', [10])).toEqual([10]);
    expect(defaultChunks('float32', [0, 3])).toEqual([1, 3]);
    expect(defaultChunks('utf8', [5])).toEqual([5]);
    expect(() => defaultChunks('float32', [])).toThrow(ValidationError);
  });
});
