/**
 * HttpRangeSource shares requests in flight: a read of bytes another read's request is already
 * fetching waits for that request and asks only for what no request covers, so concurrent reads
 * that overlap cost their bytes once. A request that fails or times out fails every read waiting
 * for it with the same error naming the URL, and is not waited for again: later reads ask anew.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpRequestError } from '@nwbjs/core';
import { HttpRangeSource } from '../../src/remote/http-range-source.js';
import { FIXTURES } from '../helpers.js';
import { type RangeServer, type RangeServerOptions, rangeServer } from './range-server.js';

const NAME = 'compressed_imageseries.nwb';
const BYTES = readFileSync(join(FIXTURES, NAME));
const HEAD = 1024;

const servers: RangeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: RangeServerOptions = {}): Promise<RangeServer> {
  const server = await rangeServer(FIXTURES, options);
  servers.push(server);
  return server;
}

/** The ranges asked for after the head, and the bytes they cost. */
function asked(server: RangeServer): { ranges: string[]; bytes: number } {
  const ranges = server.log.slice(1).map((r) => r.range ?? 'whole file');
  const bytes = ranges.reduce((n, range) => {
    const [from, to] = range.replace('bytes=', '').split('-').map(Number);
    return n + to! - from! + 1;
  }, 0);
  return { ranges, bytes };
}

const later = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Waits until the server has received `count` requests after the head. */
async function arrived(server: RangeServer, count: number): Promise<void> {
  while (server.log.length < count + 1) await later(1);
}

function expectBytes(bytes: Uint8Array, offset: number): void {
  expect(Buffer.from(bytes).equals(BYTES.subarray(offset, offset + bytes.length))).toBe(true);
}

describe('HttpRangeSource: reads share the requests in flight', () => {
  it('a read queued while a request is in flight does not ask again for its bytes once it has landed', async () => {
    // The file's bytes, answered when the test says: the request in flight lands between a later
    // read being queued and that read's batch going out.
    const requests: string[] = [];
    const held: (() => void)[] = [];
    const fetch = async (request: Request): Promise<Response> => {
      const range = request.headers.get('range')!;
      requests.push(range);
      const [from, to] = range.replace('bytes=', '').split('-').map(Number);
      const answer = () =>
        new Response(BYTES.subarray(from!, to! + 1), {
          status: 206,
          headers: { 'content-range': `bytes ${from}-${to}/${BYTES.length}` },
        });
      if (from === 0) return answer();
      return new Promise<Response>((resolve) => held.push(() => resolve(answer())));
    };
    const source = new HttpRangeSource('http://example.test/file.nwb', {
      fetch,
      headBytes: HEAD,
      tailBytes: 0,
    });
    await source.open();
    const first = source.read(100_000, 10_000);
    while (held.length === 0) await later(1); // the first read's request is on its way
    const second = source.read(95_000, 20_000); // queued: part of it is in flight
    held.shift()!(); // the first request lands before the second read's batch goes out
    const a = await first;
    let done = false;
    void second.finally(() => (done = true));
    while (!done) {
      held.shift()?.();
      await later(1);
    }
    const b = await second;
    expectBytes(a, 100_000);
    expectBytes(b, 95_000);
    expect(requests.slice(1)).toEqual(['bytes=100000-109999', 'bytes=95000-99999', 'bytes=110000-114999']);
  });

  it('two overlapping concurrent reads cost their bytes once', async () => {
    const server = await serve({ latencyMs: 80 });
    const source = new HttpRangeSource(server.url(NAME), { headBytes: HEAD, tailBytes: 0 });
    await source.open();
    const first = source.read(100_000, 10_000);
    await arrived(server, 1); // the first read's request is on its way
    const second = source.read(105_000, 15_000);
    const [a, b] = await Promise.all([first, second]);
    expect(a.length).toBe(10_000);
    expect(b.length).toBe(15_000);
    expectBytes(a, 100_000);
    expectBytes(b, 105_000);
    expect(asked(server)).toEqual({ ranges: ['bytes=100000-109999', 'bytes=110000-119999'], bytes: 20_000 });
    expect(source.stats.bytes).toBe(HEAD + 20_000);
  });

  it('a read across two requests in flight asks only for the bytes between them', async () => {
    // Answers slow enough that both requests are still on their way when the later reads come.
    const server = await serve({ latencyMs: 400 });
    const source = new HttpRangeSource(server.url(NAME), { headBytes: HEAD, tailBytes: 0 });
    await source.open();
    const left = source.read(100_000, 10_000);
    // Separate batches, so the two are not merged into one request: each read waits until the
    // request before it has reached the server (a fixed pause lost that race under load).
    await arrived(server, 1);
    const right = source.read(120_000, 10_000);
    await arrived(server, 2);
    const across = source.read(95_000, 40_000); // 95000-134999: two ends and the middle are new
    const inside = source.read(102_000, 25_000); // held by the two requests and the middle one
    const got = await Promise.all([left, right, across, inside]);
    [100_000, 120_000, 95_000, 102_000].forEach((offset, i) => expectBytes(got[i]!, offset));
    expect(got.map((bytes) => bytes.length)).toEqual([10_000, 10_000, 40_000, 25_000]);
    const { ranges, bytes } = asked(server);
    expect(ranges.slice(0, 2)).toEqual(['bytes=100000-109999', 'bytes=120000-129999']);
    // The parts no request covered went out together in one batch, each byte once.
    expect(ranges.slice(2).sort()).toEqual([
      'bytes=110000-119999',
      'bytes=130000-134999',
      'bytes=95000-99999',
    ]);
    expect(bytes).toBe(40_000);
  });

  it('reads of the same new bytes in one batch ask for them once', async () => {
    const server = await serve({ latencyMs: 20 });
    const source = new HttpRangeSource(server.url(NAME), { headBytes: HEAD, tailBytes: 0 });
    await source.open();
    const got = await Promise.all([
      source.read(50_000, 8000),
      source.read(54_000, 8000),
      source.read(50_000, 100),
    ]);
    [50_000, 54_000, 50_000].forEach((offset, i) => expectBytes(got[i]!, offset));
    expect(asked(server)).toEqual({ ranges: ['bytes=50000-61999'], bytes: 12_000 });
  });

  // A request that fails (the server's error, or no answer in time) fails the reads waiting for it
  // with one error naming the URL; the next read of those bytes asks again and gets them.
  const failures = [
    {
      name: 'HTTP 503',
      reason: 'HTTP 503 Service Unavailable',
      misbehave: (res: ServerResponse) => void res.writeHead(503, 'Service Unavailable').end(),
    },
    {
      name: 'no answer in time',
      reason: 'no answer within 1 s (timed out)',
      misbehave: () => undefined, // never answers
    },
  ];
  for (const failure of failures) {
    it(`a request in flight that fails (${failure.name}) fails its waiters with its error, then is asked again`, async () => {
      let failed = 0;
      const server = await serve({
        latencyMs: 200,
        override: (req, res) => {
          if (req.headers.range !== 'bytes=100000-109999' || failed++ > 0) return false;
          failure.misbehave(res);
          return true;
        },
      });
      const url = server.url(NAME);
      const source = new HttpRangeSource(url, { headBytes: HEAD, tailBytes: 0, timeoutMs: 1000 });
      await source.open();
      const first = source.read(100_000, 10_000).catch((e: unknown) => e);
      await arrived(server, 1);
      const inside = source.read(102_000, 1000).catch((e: unknown) => e);
      const overlapping = source.read(105_000, 10_000).catch((e: unknown) => e);
      const errors = await Promise.all([first, inside, overlapping]);
      for (const error of errors) {
        expect(error).toBeInstanceOf(HttpRequestError);
        expect((error as Error).message).toBe(`${url}: ${failure.reason}`);
      }
      // Not poisoned: the same bytes are asked for again, and arrive.
      expectBytes(await source.read(100_000, 15_000), 100_000);
      expect(failed).toBe(2);
      expect(asked(server).ranges).toEqual([
        'bytes=100000-109999',
        'bytes=110000-114999',
        'bytes=100000-109999',
      ]);
    });
  }

  it('the file’s abort fails the reads waiting for a request in flight with its reason', async () => {
    const server = await serve({ latencyMs: 1000 });
    const controller = new AbortController();
    const source = new HttpRangeSource(server.url(NAME), {
      headBytes: HEAD,
      tailBytes: 0,
      signal: controller.signal,
    });
    await source.open();
    const first = source.read(100_000, 10_000);
    await arrived(server, 1);
    const waiting = source.read(101_000, 1000);
    setTimeout(() => controller.abort(new Error('closed by the viewer')), 20);
    await expect(first).rejects.toThrow('closed by the viewer');
    await expect(waiting).rejects.toThrow('closed by the viewer');
  });

  it('a read abandoned with its own signal leaves the request to the reads waiting for it', async () => {
    const server = await serve({ latencyMs: 80 });
    const source = new HttpRangeSource(server.url(NAME), { headBytes: HEAD, tailBytes: 0 });
    await source.open();
    const controller = new AbortController();
    const abandoned = source.read(100_000, 10_000, controller.signal);
    await arrived(server, 1);
    const waiting = source.read(104_000, 2000);
    controller.abort(new Error('scrolled away'));
    await expect(abandoned).rejects.toThrow('scrolled away');
    expectBytes(await waiting, 104_000);
    expect(asked(server).ranges).toEqual(['bytes=100000-109999']);
  });
});
