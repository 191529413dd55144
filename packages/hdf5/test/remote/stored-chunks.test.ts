/**
 * Remote HDF5 files (over HTTP, and read from a Blob) hand out their chunks as stored: the same
 * encoding as the file opened by path, the chunks h5py's get_chunk_info lists, their bytes as
 * stored, one Range request per chunk at most, adjacent chunks asked for together in one. A structure that cannot be copied (fletcher32) is
 * "cannot copy" (undefined); a failed read of the file (HTTP error, timeout, abort) or a corrupt
 * chunk index is not: it rejects naming the dataset, so that conversion never falls back to reading
 * everything again.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpRequestError, isNWBError } from '@nwbjs/core';
import { type RemoteHdf5File, openHdf5, openHdf5Blob, openHdf5Url } from '../../src/index.js';
import { tempDir } from '../helpers.js';
import { type Override, type RangeServer, rangeServer } from './range-server.js';

const { dir, cleanup } = tempDir('nwbjs-remote-stored-chunks-');
afterAll(cleanup);
const hasH5py = spawnSync('/usr/bin/python3', ['-Es', '-c', 'import h5py']).status === 0;
const NAME = 'chunks.h5';
const CORRUPT = 'corrupt.h5';
const file = join(dir, NAME);
/** Small first request and no tail, so that the datasets' metadata and chunks are read on demand. */
const RANGE_OPTIONS = { headBytes: 4096, tailBytes: 0 };

// A 2 MB contiguous dataset first, so that everything of the chunked datasets lies past it.
const GENERATE = `
import h5py, numpy as np, sys, json
rng = np.random.default_rng(7)
with h5py.File(sys.argv[1], 'w') as f:
    f.create_dataset('pad', data=np.zeros(2_000_000, dtype='u1'))
    d = f.create_dataset('gzip_shuffle', shape=(40, 64, 64), dtype='<u2', chunks=(1, 64, 64), compression='gzip', compression_opts=4, shuffle=True)
    frames = (rng.integers(0, 4000, size=(40, 64, 64))).astype('<u2')
    d[0:10] = frames[0:10]
    d[20:40] = frames[20:40]
    f.create_dataset('fletcher', data=frames[:4], chunks=(1, 64, 64), fletcher32=True)
    chunks = [[[o // c for o, c in zip(i.chunk_offset, d.chunks)], i.byte_offset, i.size] for i in (d.id.get_chunk_info(k) for k in range(d.id.get_num_chunks()))]
    print(json.dumps(chunks))
`;

let chunkInfo: [number[], number, number][] = [];
let server: RangeServer;
let override: Override | undefined;

beforeAll(async () => {
  if (!hasH5py) return;
  const run = spawnSync('/usr/bin/python3', ['-Es', '-c', GENERATE, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  chunkInfo = JSON.parse(run.stdout) as typeof chunkInfo;
  // The same file with the chunk index of /gzip_shuffle (the first v1 B-tree node past the pad) broken.
  const bytes = readFileSync(file);
  const tree = bytes.indexOf('TREE', 2_000_000);
  expect(tree).toBeGreaterThan(0);
  bytes.write('XREE', tree);
  writeFileSync(join(dir, CORRUPT), bytes);
  server = await rangeServer(dir, { override: (req, res, path) => override?.(req, res, path) ?? false });
});

afterAll(async () => {
  await server?.close();
});

afterEach(() => {
  override = undefined;
});

const stored = (offset: number, size: number): Uint8Array =>
  readFileSync(file).subarray(offset, offset + size);

/** Checks `remote`'s stored chunks of /gzip_shuffle against h5py; `requests()` = requests so far. */
async function expectChunksAsStored(remote: RemoteHdf5File, requests: () => number): Promise<void> {
  const local = await openHdf5(file, 'r');
  try {
    expect(await remote.chunkEncoding('/gzip_shuffle')).toEqual(await local.chunkEncoding('/gzip_shuffle'));
    expect(await remote.chunkEncoding('/gzip_shuffle')).toEqual({
      dtype: 'uint16',
      chunks: [1, 64, 64],
      codecs: [
        { id: 'shuffle', elementSize: 2 },
        { id: 'zlib', level: 4 },
      ],
    });
  } finally {
    await local.close();
  }
  const listed: string[] = [];
  for await (const index of remote.storedChunks('/gzip_shuffle')) listed.push(index.join(','));
  expect(listed.sort()).toEqual(chunkInfo.map(([index]) => index.join(',')).sort());
  // Several at once, the never-written ones included: adjacent chunks come with one request.
  const all = Array.from({ length: 40 }, (_, f) => [f, 0, 0]);
  const before = requests();
  const many = await remote.readStoredChunks('/gzip_shuffle', all);
  expect(requests() - before).toBeGreaterThan(0);
  expect(requests() - before).toBeLessThan(chunkInfo.length);
  all.forEach((index, k) => {
    const info = chunkInfo.find(([at]) => at.join(',') === index.join(','));
    if (info === undefined) expect(many[k], index.join(',')).toBeUndefined();
    else expect(Buffer.compare(Buffer.from(many[k]!), stored(info[1], info[2])), index.join(',')).toBe(0);
  });
  for (const [index, offset, size] of chunkInfo) {
    const before = requests();
    const bytes = await remote.readStoredChunk('/gzip_shuffle', index);
    expect(requests() - before, `requests for chunk ${index.join(',')}`).toBeLessThanOrEqual(1);
    expect(Buffer.compare(Buffer.from(bytes!), stored(offset, size)), index.join(',')).toBe(0);
  }
  expect(await remote.readStoredChunk('/gzip_shuffle', [12, 0, 0])).toBeUndefined();
  // A structure this reader does not copy is "cannot copy", not an error.
  expect(await remote.chunkEncoding('/fletcher')).toBeUndefined();
  expect(await remote.chunkEncoding('/pad')).toBeUndefined();
}

describe.skipIf(!hasH5py)('remote HDF5 stored chunks', () => {
  it('over HTTP: the chunks h5py lists, byte for byte, at most one request each', async () => {
    const remote = await openHdf5Url(server.url(NAME), RANGE_OPTIONS);
    try {
      await expectChunksAsStored(remote, () => remote.stats.requests);
    } finally {
      await remote.close();
    }
  });

  it('from a Blob: the same', async () => {
    const remote = await openHdf5Blob(new Blob([readFileSync(file)]), NAME);
    try {
      await expectChunksAsStored(remote, () => remote.stats.requests);
    } finally {
      await remote.close();
    }
  });

  /** Opens the file, then lets `failing` answer every later request; returns what chunkEncoding threw. */
  async function failedEncoding(failing: Override, timeoutMs = 5000, signal?: AbortSignal): Promise<unknown> {
    const remote = await openHdf5Url(server.url(NAME), { ...RANGE_OPTIONS, timeoutMs, signal });
    try {
      override = failing;
      return await remote.chunkEncoding('/gzip_shuffle').then(
        (encoding) => ({ resolved: encoding }),
        (error: unknown) => error,
      );
    } finally {
      await remote.close();
    }
  }

  it('an HTTP error reading the chunk index rejects naming the dataset (not "cannot copy")', async () => {
    const error = await failedEncoding(
      (_req, res) => (res.writeHead(500, 'Internal Server Error').end(), true),
    );
    expect(isNWBError(error, 'BackendError'), String(error)).toBe(true);
    expect((error as { path?: string }).path).toBe('/gzip_shuffle');
    expect((error as Error).message).toContain(`${server.url(NAME)}: HTTP 500 Internal Server Error`);
    expect((error as Error).cause).toBeInstanceOf(HttpRequestError);
  });

  it('a timeout reading the chunk index rejects naming the dataset, within the timeout', async () => {
    const started = Date.now();
    const error = await failedEncoding(() => true, 300);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((error as { path?: string }).path).toBe('/gzip_shuffle');
    expect((error as Error).message).toMatch(/no answer within .* \(timed out\)/);
  });

  it('an abort while reading the chunk index rejects (not "cannot copy")', async () => {
    const controller = new AbortController();
    const error = await failedEncoding(
      () => {
        controller.abort();
        return true;
      },
      5000,
      controller.signal,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toHaveProperty('resolved');
  });

  it('a corrupt chunk index is an InvalidFileError naming the dataset; the same file by path falls back', async () => {
    const remote = await openHdf5Url(server.url(CORRUPT), RANGE_OPTIONS);
    try {
      const error = await remote.chunkEncoding('/gzip_shuffle').catch((e: unknown) => e);
      expect(isNWBError(error, 'InvalidFileError'), String(error)).toBe(true);
      expect((error as { path?: string }).path).toBe('/gzip_shuffle');
    } finally {
      await remote.close();
    }
    // Opened by path, h5wasm reads what the format reader cannot: the chunks are just not handed out.
    const local = await openHdf5(join(dir, CORRUPT), 'r');
    try {
      expect(await local.chunkEncoding('/gzip_shuffle')).toBeUndefined();
    } finally {
      await local.close();
    }
  });
});
