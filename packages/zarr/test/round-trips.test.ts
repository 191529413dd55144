/**
 * Opening a remote file costs round trips, not only requests: each one waits for the server. A local
 * server adds latency to every answer and logs when each request arrives; requests that arrive
 * together (closer than half the latency) are one round trip. `NWBZarrIO.read()` of each fixture
 * must cost two: .zmetadata (with the root .zattrs), then every small dataset the model reads, at once.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NWBZarrIO } from '../src/index.js';
import { fixturesDir } from './helpers.js';

const LATENCY_MS = 200;
let arrivals: number[] = [];
let paths: string[] = [];
const server = createServer((request, response) => {
  arrivals.push(performance.now());
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
  paths.push(path);
  const file = normalize(join(fixturesDir, path));
  setTimeout(() => {
    if (!file.startsWith(fixturesDir + sep)) return void response.writeHead(403).end();
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-length': body.length }).end(body),
      () => response.writeHead(404).end(),
    );
  }, LATENCY_MS);
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Requests that arrived within half the latency of the one before belong to the same round trip. */
export function roundTrips(times: readonly number[], latencyMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.filter((t, i) => i === 0 || t - sorted[i - 1]! > latencyMs / 2).length;
}

describe('NWBZarrIO.read() over HTTP', () => {
  for (const store of [
    'tutorial_images.nwb.zarr',
    'static_images.nwb.zarr',
    'compressed_imageseries.nwb.zarr',
    'indexseries_images.nwb.zarr',
    'irregular_timestamps.nwb.zarr',
  ]) {
    it(`${store}: two round trips, whatever it holds`, async () => {
      arrivals = [];
      paths = [];
      const io = new NWBZarrIO(`${base}/${store}`);
      const file = await io.read();
      await io.close();
      expect(file.readWarnings).toEqual([]);
      expect(arrivals.length).toBeGreaterThan(2);
      expect(roundTrips(arrivals, LATENCY_MS), `${arrivals.length} requests`).toBe(2);
      // Values and times stay where they are until asked for; the cached specification too.
      expect(paths.filter((p) => /\/(data|timestamps)\/[\d.]+$|\/specifications\//.test(p))).toEqual([]);
    });
  }
});
