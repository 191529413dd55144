/**
 * Remote NWB HDF5 files end to end: opened by URL from a local server that honours Range, checked
 * against the fixtures' descriptions, read as NWB in few round trips (counted by the server, with
 * latency so that requests made together are told apart from requests made one after another), a
 * frame in one request, and a clear error for a server that ignores Range.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpRequestError, ImageSeries, NWBFile, isDatasetHandle, ndarray, readTree } from '@nwbjs/core';
import { toHyperslab } from '@nwbjs/core/backend';
import { NWBHDF5IO, RemoteHdf5File, assertNWBFile, openHdf5, openHdf5Url } from '../../src/index.js';
import type { FixtureDescription } from '../fixture-walk.js';
import { checkFixture } from '../fixture-walk.js';
import { FIXTURES, HDF5_FIXTURES, tempDir } from '../helpers.js';
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

function description(name: string): FixtureDescription {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.nwb.json`), 'utf8')) as FixtureDescription;
}

describe('remote NWB HDF5 files', () => {
  for (const name of HDF5_FIXTURES) {
    it(`${name}: read by URL, every object matches the description`, async () => {
      const server = await serve();
      const file = await openHdf5Url(server.url(`${name}.nwb`));
      try {
        expect(await assertNWBFile(file)).toBe('2.7.0');
        expect(await checkFixture(file, description(name))).toBeGreaterThan(10);
      } finally {
        await file.close();
      }
      expect(server.log.every((r) => r.range !== undefined)).toBe(true);
    });
  }

  it('reads the same tree by URL as from the local file', async () => {
    const server = await serve();
    const name = 'tutorial_images.nwb';
    const local = await openHdf5(join(FIXTURES, name), 'r');
    const remote = await openHdf5Url(server.url(name));
    try {
      expect(await readTree(remote)).toEqual(await readTree(local));
    } finally {
      await Promise.all([local.close(), remote.close()]);
    }
  });

  it('NWBHDF5IO(url).read(): the tutorial file in at most 5 round trips, even with a head smaller than it', async () => {
    const server = await serve({ latencyMs: 40 });
    const name = 'tutorial_images.nwb';
    const size = statSync(join(FIXTURES, name)).size;
    for (const headBytes of [undefined, 64 * 1024]) {
      const before = { requests: server.log.length, trips: server.roundTrips() };
      const io = new NWBHDF5IO(server.url(name), 'r', headBytes === undefined ? {} : { headBytes });
      const nwbfile = await io.read();
      expect(nwbfile.identifier).toBeTypeOf('string');
      const backend = await io.backend();
      expect(backend).toBeInstanceOf(RemoteHdf5File);
      const stats = (backend as RemoteHdf5File).stats;
      await io.close();
      const trips = server.roundTrips() - before.trips;
      console.log(
        `tutorial_images.nwb (${size} bytes), head ${headBytes ?? 'default'}: ${stats.requests} requests, ${trips} round trips, ${stats.bytes} bytes`,
      );
      expect(trips).toBeLessThanOrEqual(5);
      expect(stats.requests).toBe(server.log.length - before.requests);
    }
  });

  it('a file whose writer put its metadata after its data opens in 2 round trips (the head and tail at once)', async () => {
    const { dir, cleanup } = tempDir('nwbjs-remote-');
    try {
      const movie = new NWBHDF5IO(join(dir, 'movie.nwb'), 'w');
      await movie.write(
        new NWBFile({
          sessionDescription: 'a movie larger than the head',
          identifier: 'remote-movie',
          sessionStartTime: '2024-01-01T00:00:00+00:00',
          acquisition: [
            new ImageSeries({
              name: 'movie',
              unit: 'n.a.',
              rate: 30,
              data: ndarray('uint8', [32, 512, 512], new Uint8Array(32 * 512 * 512).fill(7)),
              dataLayout: { chunks: [1, 512, 512] },
            }),
          ],
        }),
        { compression: 'keep' },
      );
      await movie.close();
      const server = await rangeServer(dir, { latencyMs: 20 });
      servers.push(server);
      const io = new NWBHDF5IO(server.url('movie.nwb'));
      const nwbfile = await io.read();
      expect(nwbfile.identifier).toBe('remote-movie');
      const file = (await io.backend()) as RemoteHdf5File;
      expect(server.roundTrips()).toBe(2);
      expect(file.stats.requests).toBe(2);
      expect(file.stats.bytes).toBeLessThan((1 << 20) + (256 << 10) + 1);
      const series = nwbfile.acquisition.get('movie') as ImageSeries;
      const before = file.stats;
      if (!isDatasetHandle(series.data)) throw new Error('not lazy');
      expect((await series.data.read([20])).data[0]).toBe(7);
      expect(file.stats.requests - before.requests).toBe(1);
      expect(file.stats.bytes - before.bytes).toBe(512 * 512);
      await io.close();
    } finally {
      cleanup();
    }
  });

  it('a frame of a chunked, compressed series costs one request', async () => {
    const server = await serve();
    // No tail and a small head, so that the frame's chunks are not already fetched.
    const file = await openHdf5Url(server.url('compressed_imageseries.nwb'), {
      headBytes: 16 * 1024,
      tailBytes: 0,
    });
    const local = await openHdf5(join(FIXTURES, 'compressed_imageseries.nwb'), 'r');
    try {
      const path = '/acquisition/CompressedSeries/data';
      const slab = toHyperslab([64, 48, 40], [37]);
      await file.stat(path);
      await file.readData(path, toHyperslab([64, 48, 40], [0])); // reads the chunk index
      const before = file.stats;
      const frame = await file.readData(path, slab);
      expect(frame).toEqual(await local.readData(path, slab));
      expect(file.stats.requests - before.requests).toBe(1);
      expect(file.stats.roundTrips - before.roundTrips).toBe(1);
    } finally {
      await Promise.all([local.close(), file.close()]);
    }
  });

  it('refuses a server that ignores Range with one line naming the URL, and opens nothing', async () => {
    const server = await serve({ ignoreRange: true });
    const url = server.url('compressed_imageseries.nwb');
    const io = new NWBHDF5IO(url, 'r', { headBytes: 4096 });
    const error = await io.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRequestError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${url}: the server ignored the Range request and answered with the whole file \\(\\d+ bytes\\)`,
      ),
    );
    expect(server.log).toHaveLength(1);
  });

  it('refuses writes', async () => {
    const server = await serve();
    const file = await openHdf5Url(server.url('static_images.nwb'));
    await expect(file.createGroup('/x')).rejects.toThrow(
      'createGroup: a remote file is open for reading only',
    );
    await file.close();
  });
});
