/**
 * Files as bytes: openHdf5Bytes / NWBHDF5IO.fromBytes read what the path API reads, and
 * createHdf5InMemory / NWBHDF5IO.inMemory write what it writes (checked by nwb-validate). Runs on
 * both platforms (vitest.config.ts): the Node one (h5wasm/node, temporary files) and the browser
 * one (h5wasm's default build, MEMFS).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Device, ImageSeries, NWBFile, isDatasetHandle, isNWBError, ndarray, readTree } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import type { NWBErrorTag, StorageReader } from '@nwbjs/core';
import {
  HDF5_PLATFORM,
  NWBHDF5IO,
  assertNWBFile,
  createHdf5InMemory,
  openHdf5,
  openHdf5Bytes,
} from '../src/index.js';
import type { FixtureDescription } from './fixture-walk.js';
import { checkFixture } from './fixture-walk.js';
import { FIXTURES, nwbValidate, sha256Of, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const onNode = HDF5_PLATFORM === 'node';
const fixture = join(FIXTURES, 'tutorial_images.nwb');
const fixtureBytes = (): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(fixture));

/** Everything a reader offers, as plain data: kinds, metadata, attributes, data digests. */
async function snapshot(reader: StorageReader): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const attrs = async (path: string): Promise<Record<string, unknown>> =>
    Object.fromEntries(
      Object.entries(await reader.readAttributes(path)).map(([k, v]) => [k, [v.dtype, v.shape, sha256Of(v)]]),
    );
  const walk = async (path: string): Promise<void> => {
    for (const name of await reader.list(path)) {
      const child = path === '/' ? `/${name}` : `${path}/${name}`;
      const info = await reader.stat(child);
      if (info?.kind === 'group') {
        out[child] = { info, attrs: await attrs(child) };
        await walk(child);
      } else if (info?.kind === 'dataset') {
        const data = await reader.readData(child, wholeHyperslab(info.shape));
        out[child] = { info, attrs: await attrs(child), sha256: sha256Of(data) };
      } else {
        out[child] = { info };
      }
    }
  };
  out['/'] = await attrs('/');
  await walk('/');
  return out;
}

function sampleFile(): NWBFile {
  const camera = new Device({ name: 'camera', description: 'a test camera' });
  const movie = new ImageSeries({
    name: 'movie',
    data: ndarray(
      'uint8',
      [12, 16, 20],
      Uint8Array.from({ length: 12 * 16 * 20 }, (_, i) => i % 251),
    ),
    unit: 'n.a.',
    rate: 30,
    device: camera,
    dataLayout: { chunks: [1, 16, 20], compression: { codec: 'gzip', level: 4 } },
  });
  return new NWBFile({
    sessionDescription: 'in memory',
    identifier: 'in-memory-1',
    sessionStartTime: '2024-01-01T12:00:00+00:00',
    fileCreateDate: '2024-01-01T12:00:00+00:00',
    devices: [camera],
    acquisition: [movie],
  });
}

/** Scratch files left behind by this platform (temporary directories, or MEMFS files). */
async function scratchLeft(): Promise<string[]> {
  if (onNode) return readdirSync(tmpdir()).filter((n) => n.startsWith('nwbjs-hdf5-scratch-'));
  const { platform } = await import('../src/platform/browser.js');
  const { module } = await platform.loadH5();
  return module.FS.analyzePath('/nwbjs-scratch', false).exists
    ? module.FS.readdir('/nwbjs-scratch').filter((n: string) => n !== '.' && n !== '..')
    : [];
}

async function expectError(promise: Promise<unknown>, tag: NWBErrorTag, name: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isNWBError(error, tag), String(error)).toBe(true);
  expect((error as { path?: string }).path).toContain(name);
}

describe(`files as bytes (${HDF5_PLATFORM} platform)`, () => {
  it('reads tutorial_images from bytes as its description says, from a Uint8Array, an ArrayBuffer and a Blob', async () => {
    const description = JSON.parse(
      readFileSync(join(FIXTURES, 'tutorial_images.nwb.json'), 'utf8'),
    ) as FixtureDescription;
    const bytes = fixtureBytes();
    const sources = [bytes, bytes.slice().buffer, new Blob([bytes])];
    const snapshots = [];
    for (const source of sources) {
      const reader = await openHdf5Bytes(source, 'tutorial_images.nwb');
      try {
        expect(reader.location).toBe('tutorial_images.nwb');
        expect(await assertNWBFile(reader)).toBe('2.7.0');
        expect(await checkFixture(reader, description)).toBeGreaterThan(10);
        snapshots.push(await snapshot(reader));
      } finally {
        await reader.close();
      }
    }
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);
    if (onNode) {
      const byPath = await openHdf5(fixture, 'r');
      try {
        expect(snapshots[0]).toEqual(await snapshot(byPath));
        const fromBytes = await openHdf5Bytes(bytes);
        const [a, b] = [await readTree(byPath), await readTree(fromBytes)];
        await fromBytes.close();
        expect([...b.children.keys()]).toEqual([...a.children.keys()]);
      } finally {
        await byPath.close();
      }
    }
    expect(await scratchLeft()).toEqual([]);
  });

  it('NWBHDF5IO.fromBytes reads the NWBFile and its frames lazily', async () => {
    const io = NWBHDF5IO.fromBytes(new Blob([fixtureBytes()]));
    try {
      const file = await io.read();
      expect(file.readWarnings).toEqual([]);
      const series = file.acquisition.get('ImageSeries');
      expect(series).toBeInstanceOf(ImageSeries);
      const data = (series as ImageSeries).data;
      expect(isDatasetHandle(data)).toBe(true);
      if (isDatasetHandle(data)) {
        expect(data.shape).toEqual([200, 50, 50, 3]);
        const frame = await data.read([7]);
        expect(frame.shape).toEqual([50, 50, 3]);
      }
    } finally {
      await io.close();
    }
  });

  it('writes an NWBFile in memory: the bytes validate and equal what the path API writes', async () => {
    const io = NWBHDF5IO.inMemory('session.nwb');
    await io.write(sampleFile());
    const bytes = await io.toBytes();
    expect(await io.toBytes()).toBe(bytes);
    const fromMemory = join(dir, 'from-memory.nwb');
    writeFileSync(fromMemory, bytes);
    const check = nwbValidate('check', fromMemory);
    expect(check.status, check.output).toBe(0);
    if (onNode) {
      const byPath = join(dir, 'by-path.nwb');
      const out = new NWBHDF5IO(byPath, 'w');
      await out.write(sampleFile());
      await out.close();
      expect(nwbValidate('diff', '--ignore-ids', byPath, fromMemory).output.trim()).toBe('no differences');
    }
    // And the bytes read back.
    const reader = NWBHDF5IO.fromBytes(bytes);
    try {
      expect((await reader.read()).identifier).toBe('in-memory-1');
    } finally {
      await reader.close();
    }
    expect(await scratchLeft()).toEqual([]);
  });

  it('copies tutorial_images bytes to bytes without differences', async () => {
    const source = NWBHDF5IO.fromBytes(fixtureBytes(), 'tutorial_images.nwb');
    const copy = NWBHDF5IO.inMemory('copy.nwb');
    try {
      await copy.write(await source.read());
    } finally {
      await source.close();
    }
    const path = join(dir, 'copy.nwb');
    writeFileSync(path, await copy.toBytes());
    expect(nwbValidate('diff', '--ignore-ids', fixture, path).output.trim()).toBe('no differences');
    const check = nwbValidate('check', path);
    expect(check.status, check.output).toBe(0);
  });

  it('a storage-level writer: toBytes() after close(), and abort() leaves no bytes and no scratch file', async () => {
    const writer = await createHdf5InMemory('plain.h5');
    await writer.createGroup('/g');
    await writer.close();
    const bytes = await writer.toBytes();
    const path = join(dir, 'plain.h5');
    writeFileSync(path, bytes);
    const reader = await openHdf5Bytes(bytes);
    expect(await reader.list('/')).toEqual(['g']);
    await expectError(assertNWBFile(reader), 'InvalidFileError', 'in-memory.h5');
    await reader.close();

    const aborted = await createHdf5InMemory('aborted.h5');
    await aborted.createGroup('/g');
    await aborted.abort();
    await expectError(aborted.toBytes(), 'BackendError', 'aborted.h5');
    expect(await scratchLeft()).toEqual([]);
  });

  it('bad bytes are InvalidFileErrors, never crashes', async () => {
    await expectError(
      openHdf5Bytes(new TextEncoder().encode('not an HDF5 file at all'), 'text.nwb'),
      'InvalidFileError',
      'text.nwb',
    );
    await expectError(openHdf5Bytes(new Uint8Array(0), 'empty.nwb'), 'InvalidFileError', 'empty.nwb');
    await expectError(openHdf5Bytes(42 as unknown as ArrayBuffer, 'number'), 'ValidationError', 'number');
    const bytes = fixtureBytes();
    for (const keep of [0.5, 0.9, 4096]) {
      const cut = bytes.slice(0, keep < 1 ? Math.floor(bytes.length * keep) : keep);
      await expectError(openHdf5Bytes(cut, `cut-${keep}.nwb`), 'InvalidFileError', `cut-${keep}.nwb`);
    }
    await expectError(NWBHDF5IO.fromBytes(new Uint8Array(10), 'io.nwb').read(), 'InvalidFileError', 'io.nwb');
    // The library keeps working afterwards.
    const reader = await openHdf5Bytes(bytes);
    expect(await reader.list('/')).toContain('acquisition');
    await reader.close();
    expect(await scratchLeft()).toEqual([]);
  });

  it('paths work on Node only; the browser build says what to use instead', async () => {
    const result = openHdf5(fixture, 'r').then(async (r) => {
      await r.close();
      return 'opened';
    });
    if (onNode) expect(await result).toBe('opened');
    else await expectError(result, 'UnsupportedError', fixture);
    await expectError(new NWBHDF5IO(fixture, 'r').toBytes(), 'BackendError', fixture);
  });
});
