import { describe, expect, it } from 'vitest';
import { groupWarnings, parseChunks, parseCompression } from '../src/main.js';
import { outputFormatFromName } from '../src/formats.js';
import { progressLine } from '../src/progress.js';
import { formatBytes, formatDuration } from '../src/format.js';
import { UsageError } from '../src/usage-error.js';

describe('option parsing', () => {
  it('reads compression specs', () => {
    expect(parseCompression('gzip')).toEqual({ codec: 'gzip' });
    expect(parseCompression('gzip:4')).toEqual({ codec: 'gzip', level: 4 });
    expect(parseCompression('zstd:3')).toEqual({ codec: 'zstd', level: 3 });
    expect(parseCompression('blosc')).toEqual({ codec: 'blosc' });
    expect(parseCompression('none')).toBeNull();
  });

  it('refuses bad compression specs with a usage error', () => {
    expect(() => parseCompression('lzma')).toThrow(UsageError);
    expect(() => parseCompression('gzip:12')).toThrow(/0-9/);
    expect(() => parseCompression('gzip:x')).toThrow(UsageError);
  });

  it('reads chunk shapes', () => {
    expect(parseChunks('1,512,512')).toEqual([1, 512, 512]);
    expect(() => parseChunks('1,0,5')).toThrow(UsageError);
    expect(() => parseChunks('a,b')).toThrow(UsageError);
  });

  it('tells the output format from the name', () => {
    expect(outputFormatFromName('out.nwb')).toBe('hdf5');
    expect(outputFormatFromName('dir/out.nwb.zarr/')).toBe('zarr');
    expect(outputFormatFromName('x.h5')).toBe('hdf5');
    expect(outputFormatFromName('x.txt')).toBeUndefined();
  });
});

describe('progress and sizes', () => {
  it('draws a bar with percent, sizes, rate and ETA', () => {
    const line = progressLine(50_000_000, 100_000_000, 2, 100);
    expect(line).toMatch(/^\[#+-+\]\s+50% 50\.0 MB \/ 100\.0 MB 25\.0 MB\/s ETA 2\.0 s$/);
  });

  it('formats sizes and durations', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1536)).toBe('1.54 KB');
    expect(formatDuration(0.25)).toBe('250 ms');
    expect(formatDuration(125)).toBe('2 min 05 s');
  });
});

describe('warnings', () => {
  it('groups warnings by message and names the datasets, a few of them', () => {
    const blosc = (path: string) => ({
      path,
      code: 'compression-fallback' as const,
      message: 'blosc is not available',
    });
    const lines = groupWarnings([
      ...['/a', '/b', '/c', '/d', '/e'].map(blosc),
      { path: '/t', code: 'compression-dropped', message: '/t: text cannot be compressed' },
    ]);
    expect(lines).toEqual([
      'blosc is not available (5 datasets: /a, /b, /c, and 2 more)',
      'text cannot be compressed (/t)',
    ]);
  });
});
