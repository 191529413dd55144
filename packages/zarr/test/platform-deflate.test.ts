/**
 * The two deflate platforms agree: what the browser's CompressionStream codec writes, node:zlib
 * reads, and the other way round, for Zarr's `zlib` and `gzip`. Node 20 has CompressionStream, so
 * the browser module runs here as is. Also: the output limit, corrupt input, and the documented
 * fact that the browser codec cannot apply a level.
 */
import { describe, expect, it } from 'vitest';
import { deflateCodec as browserDeflate } from '../src/platform/browser/deflate.js';
import { deflateCodec as nodeDeflate } from '../src/platform/node/deflate.js';

/** 1 MiB that compresses but not to nothing, so the streams hand over several output parts. */
function chunk(): Uint8Array {
  return Uint8Array.from(
    { length: 1 << 20 },
    (_, i) => ((i >> 10) ^ (i & 255) ^ ((i * 2654435761) >>> 29)) & 255,
  );
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('deflate on both platforms', () => {
  for (const format of ['zlib', 'gzip'] as const) {
    it(`${format}: browser-encoded decodes in Node and Node-encoded decodes in the browser`, async () => {
      const data = chunk();
      const fromBrowser = await browserDeflate(format, 4).encode(data);
      const fromNode = await nodeDeflate(format, 4).encode(data);
      expect(fromBrowser.length).toBeLessThan(data.length);
      expect(same(await nodeDeflate(format, 4).decode(fromBrowser), data)).toBe(true);
      expect(same(await browserDeflate(format, 4).decode(fromNode), data)).toBe(true);
      expect(same(await browserDeflate(format, 4).decode(fromBrowser, data.length), data)).toBe(true);
    });
  }

  it('the browser decoder stops at the output limit and names corrupt data', async () => {
    const data = chunk();
    const packed = await nodeDeflate('gzip', 6).encode(data);
    await expect(browserDeflate('gzip', 6).decode(packed, data.length - 1)).rejects.toThrow(
      /exceeds the \d+-byte limit/,
    );
    await expect(nodeDeflate('gzip', 6).decode(packed, data.length - 1)).rejects.toThrow();
    const corrupt = packed.slice();
    corrupt.fill(0x5a, 20, 60);
    await expect(browserDeflate('gzip', 6).decode(corrupt)).rejects.toThrow(/gzip decompression failed/);
    await expect(browserDeflate('zlib', 6).decode(packed)).rejects.toThrow(/zlib decompression failed/);
  });

  it('the browser encoder ignores the level (CompressionStream has none); Node applies it', async () => {
    const data = chunk();
    const [b1, b9] = await Promise.all([
      browserDeflate('gzip', 1).encode(data),
      browserDeflate('gzip', 9).encode(data),
    ]);
    expect(same(b1, b9)).toBe(true);
    const [n1, n9] = await Promise.all([
      nodeDeflate('gzip', 1).encode(data),
      nodeDeflate('gzip', 9).encode(data),
    ]);
    expect(n9.length).toBeLessThan(n1.length);
  });
});
