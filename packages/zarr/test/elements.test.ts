/**
 * decodeElements on numeric chunks: a view over the chunk's bytes when they need no byte swap and
 * are aligned, a copy otherwise (misaligned, big-endian, or asked for).
 */
import { describe, expect, it } from 'vitest';
import type { ElementCodec } from '../src/conventions/zarr-dtype.js';
import { decodeElements } from '../src/conventions/elements.js';

const float32: ElementCodec = { kind: 'numeric', dtype: 'float32', itemSize: 4, bigEndian: false };
const uint16be: ElementCodec = { kind: 'numeric', dtype: 'uint16', itemSize: 2, bigEndian: true };

describe('decodeElements (numeric)', () => {
  it('returns a view over aligned little-endian bytes', () => {
    const values = Float32Array.of(1.5, -2, 3.25);
    const bytes = new Uint8Array(values.buffer);
    const out = decodeElements(float32, bytes, 3) as Float32Array;
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([1.5, -2, 3.25]);
    expect(out.buffer).toBe(bytes.buffer);
    // Also inside a larger buffer, at an aligned offset.
    const padded = new Uint8Array(16);
    padded.set(bytes, 4);
    const inner = decodeElements(float32, padded.subarray(4, 16), 3) as Float32Array;
    expect(inner.buffer).toBe(padded.buffer);
    expect(inner.byteOffset).toBe(4);
    expect(Array.from(inner)).toEqual([1.5, -2, 3.25]);
  });

  it('copies misaligned bytes, bytes it must swap, and bytes the caller will change', () => {
    const values = Float32Array.of(1.5, -2, 3.25);
    const odd = new Uint8Array(13);
    odd.set(new Uint8Array(values.buffer), 1);
    const fromOdd = decodeElements(float32, odd.subarray(1), 3) as Float32Array;
    expect(fromOdd.buffer).not.toBe(odd.buffer);
    expect(Array.from(fromOdd)).toEqual([1.5, -2, 3.25]);

    const big = Uint8Array.of(0x01, 0x02, 0xff, 0x00);
    const swapped = decodeElements(uint16be, big, 2) as Uint16Array;
    expect(Array.from(swapped)).toEqual([0x0102, 0xff00]);
    expect(Array.from(big)).toEqual([0x01, 0x02, 0xff, 0x00]); // the input is left alone

    const bytes = new Uint8Array(values.buffer);
    const copy = decodeElements(float32, bytes, 3, true) as Float32Array;
    expect(copy.buffer).not.toBe(bytes.buffer);
    copy[0] = 9;
    expect(values[0]).toBe(1.5);
  });

  it('checks the byte count either way', () => {
    expect(() => decodeElements(float32, new Uint8Array(8), 3)).toThrow(/holds 8 bytes, expected 12/);
  });
});
