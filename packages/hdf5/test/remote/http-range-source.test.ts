/**
 * HttpRangeSource against a local server: what it asks for (Range only, merged, in parallel), what it
 * refuses (a server ignoring Range, inconsistent answers, redirects elsewhere), and that the format
 * reader reads a fixture's structure and chunks through it in few round trips.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpRequestError } from '@nwbjs/core';
import { Hdf5Structure } from '../../src/format/hdf5-structure.js';
import { HttpRangeSource } from '../../src/remote/http-range-source.js';
import { FIXTURES } from '../helpers.js';
import { type RangeServer, type RangeServerOptions, rangeServer } from './range-server.js';

const servers: RangeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: RangeServerOptions = {}): Promise<RangeServer> {
  const server = await rangeServer(FIXTURES, options);
  servers.push(server);
  return server;
}

const NAME = 'compressed_imageseries.nwb';
const BYTES = readFileSync(join(FIXTURES, NAME));

/** Every group and dataset path under `/`, read level by level (each level's objects at once). */
async function walk(structure: Hdf5Structure): Promise<string[]> {
  const seen: string[] = [];
  let level = ['/'];
  while (level.length > 0) {
    const next: string[] = [];
    await Promise.all(
      level.map(async (group) => {
        for (const link of await structure.links(group)) {
          if (link.kind !== 'hard') continue;
          const path = group === '/' ? `/${link.name}` : `${group}/${link.name}`;
          seen.push(path);
          try {
            await structure.links(path);
            next.push(path);
          } catch {
            await structure.dataset(path);
          }
        }
      }),
    );
    level = next;
  }
  return seen.sort();
}

describe('HttpRangeSource', () => {
  it('reads exactly the bytes asked for, and learns the size from the first answer', async () => {
    const server = await serve();
    const source = new HttpRangeSource(server.url(NAME), { headBytes: 1024, tailBytes: 0 });
    expect(await source.open()).toBe(BYTES.length);
    expect(source.size).toBe(BYTES.length);
    const bytes = await source.read(200_000, 5000);
    expect(Buffer.from(bytes).equals(BYTES.subarray(200_000, 205_000))).toBe(true);
    // Past the end: fewer bytes, then none.
    expect((await source.read(BYTES.length - 10, 100)).length).toBe(10);
    expect((await source.read(BYTES.length + 10, 100)).length).toBe(0);
    expect(server.log.every((r) => r.range !== undefined)).toBe(true);
    expect(source.stats).toEqual({ requests: 3, roundTrips: 3, bytes: 1024 + 5000 + 10 });
  });

  it('merges reads made together when they are close, and sends distant ones in parallel', async () => {
    const server = await serve({ latencyMs: 50 });
    const source = new HttpRangeSource(server.url(NAME), { headBytes: 1024, tailBytes: 0 });
    await source.open();
    const reads = [
      [100_000, 1000],
      [101_000, 1000],
      [103_000, 500], // within the merge gap of the one before
      [300_000, 100], // far: a request of its own, in parallel
    ] as const;
    const got = await Promise.all(reads.map(([offset, length]) => source.read(offset, length)));
    got.forEach((bytes, i) => {
      const [offset, length] = reads[i]!;
      expect(Buffer.from(bytes).equals(BYTES.subarray(offset, offset + length))).toBe(true);
    });
    expect(server.log.slice(1).map((r) => r.range)).toEqual(['bytes=100000-103499', 'bytes=300000-300099']);
    expect(source.stats.requests).toBe(3);
    expect(source.stats.roundTrips).toBe(2);
    expect(server.roundTrips()).toBe(2);
    // Cached now: no request.
    await source.read(101_500, 200);
    expect(source.stats.requests).toBe(3);
  });

  it('asks only for what no cached span holds: the uncached end of a read, never across cached bytes', async () => {
    const server = await serve();
    const options = { headBytes: 1024, tailBytes: 0, mergeGapBytes: 1000 };
    const source = new HttpRangeSource(server.url(NAME), options);
    await source.open();
    await source.read(10_000, 1000); // cached: 10000-10999
    const reads = [
      [500, 1000], // 500-1023 from the head, 1024-1499 asked for
      [9_000, 1500], // 9000-9999 asked for (not merged across the cached 10000-10999), the rest cached
      [10_500, 1000], // 10500-10999 cached, 11000-11499 asked for
      [11_500, 500], // next to the read before: merged with it
    ] as const;
    const got = await Promise.all(reads.map(([offset, length]) => source.read(offset, length)));
    got.forEach((bytes, i) => {
      const [offset, length] = reads[i]!;
      expect(Buffer.from(bytes).equals(BYTES.subarray(offset, offset + length)), String(offset)).toBe(true);
    });
    const ranges = server.log.slice(2).map((r) => r.range);
    expect(ranges.sort()).toEqual(['bytes=1024-1499', 'bytes=11000-11999', 'bytes=9000-9999']);
    // Covered by two cached spans together: no request.
    const before = source.stats.requests;
    expect(Buffer.from(await source.read(9_800, 1500)).equals(BYTES.subarray(9_800, 11_300))).toBe(true);
    expect(source.stats.requests).toBe(before);
  });

  it('keeps at most 16 requests in flight, the rest waiting their turn', async () => {
    let inFlight = 0;
    let most = 0;
    const server = await serve({ latencyMs: 20 });
    const source = new HttpRangeSource(server.url(NAME), {
      headBytes: 1024,
      tailBytes: 0,
      mergeGapBytes: 0,
      fetch: async (request) => {
        most = Math.max(most, ++inFlight);
        try {
          const response = await fetch(request);
          return new Response(await response.arrayBuffer(), response);
        } finally {
          inFlight--;
        }
      },
    });
    await source.open();
    const offsets = Array.from({ length: 40 }, (_, i) => 2000 + i * 8000);
    const got = await Promise.all(offsets.map((offset) => source.read(offset, 10)));
    got.forEach((bytes, i) => {
      expect(Buffer.from(bytes).equals(BYTES.subarray(offsets[i]!, offsets[i]! + 10))).toBe(true);
    });
    expect(source.stats.requests).toBe(41);
    expect(most).toBe(16);
  });

  it('reads the format structure and every chunk index of a fixture in few round trips', async () => {
    const server = await serve({ latencyMs: 20 });
    const source = new HttpRangeSource(server.url(NAME));
    await source.open();
    const structure = await Hdf5Structure.open(source.read, source.size);
    const paths = await walk(structure);
    expect(paths).toContain('/acquisition/CompressedSeries/data');
    const chunks = await structure.chunks('/acquisition/CompressedSeries/data');
    expect(chunks.length).toBe(8 * 2 * 2);
    // The whole fixture is smaller than the head: one request did it all.
    expect(source.stats.requests).toBe(1);
    expect(server.log).toHaveLength(1);
  });

  it('reads one frame of a chunked series in one request (its adjacent chunks merged)', async () => {
    const server = await serve();
    // A head too small to hold the data, so the frame's chunks must be fetched.
    const source = new HttpRangeSource(server.url(NAME), { headBytes: 64 * 1024, tailBytes: 0 });
    await source.open();
    const structure = await Hdf5Structure.open(source.read, source.size);
    const chunks = await structure.chunks('/acquisition/CompressedSeries/data');
    const before = source.stats;
    // Frame 40 lies in the chunks whose first index is 40 (chunks of 8 frames).
    const frame = chunks.filter((c) => c.offset[0] === 40);
    expect(frame).toHaveLength(4);
    const bytes = await Promise.all(frame.map((c) => source.read(structure.fileOffset(c.address), c.size)));
    frame.forEach((c, i) => {
      const at = structure.fileOffset(c.address);
      expect(Buffer.from(bytes[i]!).equals(BYTES.subarray(at, at + c.size))).toBe(true);
    });
    expect(source.stats.requests - before.requests).toBe(1);
    expect(source.stats.roundTrips - before.roundTrips).toBe(1);
  });

  it('sends the caller’s headers and goes through the caller’s fetch', async () => {
    const server = await serve();
    const seen: string[] = [];
    const source = new HttpRangeSource(server.url(NAME), {
      headers: { authorization: 'Bearer token-1' },
      fetch: (request) => {
        seen.push(request.headers.get('range') ?? '');
        return fetch(request);
      },
    });
    await source.open();
    expect(seen).toEqual(['bytes=0-1048575']);
    expect(server.log[0]!.headers.authorization).toBe('Bearer token-1');
  });

  it('refuses a server that ignores Range, naming the URL; downloads the file only when allowed', async () => {
    const server = await serve({ ignoreRange: true });
    const small = new HttpRangeSource(server.url(NAME), { headBytes: 1024, tailBytes: 0 });
    const error = await small.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRequestError);
    expect((error as Error).message).toBe(
      `${server.url(NAME)}: the server ignored the Range request and answered with the whole file (${BYTES.length} bytes); remote HDF5 needs a server that honours Range requests (or allowFullDownload to download the file)`,
    );
    const allowed = new HttpRangeSource(server.url(NAME), { headBytes: 1024, allowFullDownload: true });
    expect(await allowed.open()).toBe(BYTES.length);
    expect(Buffer.from(await allowed.read(1000, 10)).equals(BYTES.subarray(1000, 1010))).toBe(true);
    expect(allowed.stats.requests).toBe(1);
    // A head asking for more than the file is answered by the whole file: that is what was asked.
    const whole = new HttpRangeSource(server.url(NAME));
    expect(await whole.open()).toBe(BYTES.length);
  });

  it('follows a redirect to the same origin and keeps asking there', async () => {
    const server = await serve({
      override: (_req, res, path) =>
        path === '/moved.nwb' && (res.writeHead(302, { location: `/${NAME}` }).end(), true),
    });
    const source = new HttpRangeSource(server.url('moved.nwb'), { headBytes: 1024, tailBytes: 0 });
    await source.open();
    await source.read(100_000, 10);
    expect(source.url).toBe(server.url(NAME));
    expect(server.log.map((r) => r.path)).toEqual(['/moved.nwb', `/${NAME}`, `/${NAME}`]);
  });

  it('a read abandoned with its own signal rejects with its reason; the request goes on for the others', async () => {
    const server = await serve({ latencyMs: 100 });
    const source = new HttpRangeSource(server.url(NAME), { headBytes: 1024, tailBytes: 0 });
    await source.open();
    const controller = new AbortController();
    const abandoned = source.read(100_000, 1000, controller.signal);
    const kept = source.read(100_000, 1000);
    setTimeout(() => controller.abort(new Error('moved on')), 20);
    await expect(abandoned).rejects.toThrow('moved on');
    expect(Buffer.from(await kept).equals(BYTES.subarray(100_000, 101_000))).toBe(true);
    expect(source.stats.requests).toBe(2);
  });

  it('prefetch asks at once; a later read inside it waits for that request instead of making one', async () => {
    const server = await serve({ latencyMs: 50 });
    const source = new HttpRangeSource(server.url(NAME), { headBytes: 1024, tailBytes: 0 });
    await source.open();
    source.prefetch([{ offset: 200_000, length: 20_000 }]);
    await new Promise((done) => setTimeout(done, 10));
    const bytes = await source.read(205_000, 100);
    expect(Buffer.from(bytes).equals(BYTES.subarray(205_000, 205_100))).toBe(true);
    expect(server.log.map((r) => r.range)).toEqual(['bytes=0-1023', 'bytes=200000-219999']);
  });

  it('aborts with the caller’s signal', async () => {
    const server = await serve({ latencyMs: 2000 });
    const controller = new AbortController();
    const source = new HttpRangeSource(server.url(NAME), { signal: controller.signal });
    const opening = source.open();
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(opening).rejects.toThrow('stop');
  });

  it('refuses URLs that are not http(s)', () => {
    expect(() => new HttpRangeSource('file:///etc/passwd')).toThrow(
      'file:///etc/passwd: only http: and https: URLs are read over HTTP',
    );
  });
});
