/**
 * The codec worker pool gives the same bytes as coding in-thread, and falls back to in-thread
 * coding when it has no workers.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CodecPool } from '../src/platform/node/codec-pool.js';

const pools: CodecPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

function movieChunk(): Uint8Array {
  // 256 KiB: above the size that goes to a worker.
  return Uint8Array.from({ length: 512 * 512 }, (_, i) => ((i >> 9) + (i & 511)) >> 2);
}

describe('CodecPool', () => {
  for (const codec of [
    { id: 'blosc', config: { cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 } },
    { id: 'zstd', config: { level: 3 } },
    { id: 'lz4', config: { acceleration: 1 } },
  ] as const) {
    it(`${codec.id}: workers and in-thread give the same bytes, and they decode back`, async () => {
      const threaded = new CodecPool(2);
      const inThread = new CodecPool(0);
      pools.push(threaded, inThread);
      const data = movieChunk();
      const [a, b] = await Promise.all([threaded.encode(codec, data), inThread.encode(codec, data)]);
      expect(threaded.threaded).toBe(true);
      expect(inThread.threaded).toBe(false);
      expect(a.length).toBeLessThan(data.length);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      const back = await threaded.decode(codec, a);
      expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
      // The input is left alone (copied, not transferred).
      expect(data.length).toBe(512 * 512);
    });
  }

  it('lets the process exit once its jobs are done, even with workers that never got one', async () => {
    // One job for a pool of four: three workers stay idle, and must not hold the process open.
    const dist = new URL('../dist/platform/node/codec-pool.js', import.meta.url).href;
    const script = `
      const { CodecPool } = await import(${JSON.stringify(dist)});
      const pool = new CodecPool(4);
      const out = await pool.encode({ id: 'zstd', config: { level: 3 } }, new Uint8Array(1 << 18));
      console.log(out.length > 0 ? 'encoded' : 'empty');`;
    const started = Date.now();
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 30_000 },
        (error, stdout) => resolve({ code: error === null ? 0 : (child.exitCode ?? -1), out: stdout }),
      );
    });
    expect(result.out.trim()).toBe('encoded');
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('many jobs at once all complete; a corrupt chunk does not break the pool', async () => {
    const pool = new CodecPool(2);
    pools.push(pool);
    const codec = { id: 'blosc', config: { cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 } } as const;
    const encoded = await Promise.all(Array.from({ length: 16 }, () => pool.encode(codec, movieChunk())));
    const decoded = await Promise.all(encoded.map((e) => pool.decode(codec, e)));
    expect(decoded.every((d) => d.length === 512 * 512)).toBe(true);
    // numcodecs' Blosc returns nothing for garbage (the backend then reports a chunk of the wrong
    // size); whatever it does, the worker must survive it.
    const garbage = new Uint8Array(100_000).fill(7);
    const out = await pool.decode(codec, garbage).catch(() => new Uint8Array(0));
    expect(out.length).not.toBe(512 * 512);
    // The pool still works after a failed job.
    expect((await pool.decode(codec, encoded[0]!)).length).toBe(512 * 512);
  });
});
