import { describe, expect, it } from 'vitest';
import type { Frame } from '../src/provider/index.js';
import { autoWindow, defaultWindow, level, toRGBA } from '../src/render/pixels.js';

const frame = (values: number[], channels: 1 | 3 | 4, dtype = 'uint8', cols = 2): Frame => ({
  rows: values.length / channels / cols,
  cols,
  channels,
  dtype,
  values,
});

describe('frames to pixels', () => {
  it('draws uint8 grayscale as its own values through the full window', () => {
    const f = frame([0, 1, 128, 255], 1);
    expect(defaultWindow(f)).toEqual({ low: 0, high: 255 });
    expect([...toRGBA(f, defaultWindow(f))]).toEqual([
      0, 0, 0, 255, 1, 1, 1, 255, 128, 128, 128, 255, 255, 255, 255, 255,
    ]);
  });

  it('stretches other dtypes between the frame minimum and maximum', () => {
    const f = frame([100, 200, 300, 1100], 1, 'uint16');
    expect(defaultWindow(f)).toEqual({ low: 100, high: 1100 });
    expect(Array.from(toRGBA(f, defaultWindow(f))).filter((_, i) => i % 4 === 0)).toEqual([0, 26, 51, 255]);
  });

  it('clamps outside the window and draws NaN black', () => {
    const window = { low: 10, high: 20 };
    expect([
      level(5, window),
      level(10, window),
      level(15, window),
      level(25, window),
      level(NaN, window),
    ]).toEqual([0, 0, 128, 255, 0]);
  });

  it('draws a flat frame mid-gray', () => {
    const flat = frame([7, 7, 7, 7], 1, 'float32');
    expect(autoWindow(flat)).toEqual({ low: 6, high: 8 });
    expect(toRGBA(flat, autoWindow(flat))[0]).toBe(128);
  });

  it('draws RGB opaque and RGBA with its alpha', () => {
    const rgb = frame([1, 2, 3, 4, 5, 6], 3, 'uint8', 1);
    expect([...toRGBA(rgb, defaultWindow(rgb))]).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
    const rgba = frame([1, 2, 3, 4, 5, 6, 7, 8], 4, 'uint8', 1);
    expect([...toRGBA(rgba, defaultWindow(rgba))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
