/**
 * What the reader does beyond plain reads: `_EXTERNAL_ARRAY_LINK` datasets, contiguous data in
 * pieces with a short last piece, HTTP range requests (counted, and a server that ignores Range
 * refused), `.lindi.tar`, and hostile reference files refused with the key they break on.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { UnsupportedError, isNWBError } from '@nwbjs/core';
import { toHyperslab, wholeHyperslab } from '@nwbjs/core/backend';
import { openHdf5 } from '@nwbjs/hdf5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LindiJson } from '../src/index.js';
import { lindiDescriptor, lindiFromHdf5, openLindi, pythonFloat, stringifyLindi } from '../src/index.js';
import { expectSameTree } from './compare.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const COMPRESSED = join(FIXTURES, 'compressed_imageseries.nwb');
const IRREGULAR = join(FIXTURES, 'irregular_timestamps.nwb');
const DATA = '/acquisition/CompressedSeries/data';

async function failure(promise: Promise<unknown>): Promise<Error & { _tag?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as Error & { _tag?: string },
  );
}

describe('_EXTERNAL_ARRAY_LINK', () => {
  it('marks datasets of more chunks than maxChunks and reads them from the HDF5 file', async () => {
    const json = await lindiFromHdf5(COMPRESSED, { maxChunks: 4 });
    const refs = json.refs as Record<string, unknown>;
    expect(refs['acquisition/CompressedSeries/data/.zattrs']).toMatchObject({
      _EXTERNAL_ARRAY_LINK: { link_type: 'hdf5_dataset', name: DATA.slice(1), url: COMPRESSED },
    });
    expect(Object.keys(refs).filter((k) => /CompressedSeries\/data\/\d/.test(k))).toEqual([]);
    const hdf5 = await openHdf5(COMPRESSED);
    const lindi = await openLindi(json);
    try {
      await expectSameTree(hdf5, lindi, '/acquisition');
    } finally {
      await lindi.close();
      await hdf5.close();
    }
  });

  it('uses openHdf5 when given, and names the dataset when its HDF5 file cannot be opened', async () => {
    const json = await lindiFromHdf5(COMPRESSED, { maxChunks: 4, url: 'https://example.invalid/c.nwb' });
    const opened: string[] = [];
    const given = await openLindi(json, {
      openHdf5: (url) => {
        opened.push(url);
        return openHdf5(COMPRESSED);
      },
    });
    const refused = await openLindi(json, {
      openHdf5: () => Promise.reject(new UnsupportedError('no HDF5 here', { feature: 'test' })),
    });
    try {
      const frame = await given.readData(DATA, toHyperslab([64, 48, 40], [0]));
      expect(frame.shape).toEqual([48, 40]);
      expect(opened).toEqual(['https://example.invalid/c.nwb']);
      const error = await failure(refused.readData(DATA, toHyperslab([64, 48, 40], [0])));
      expect(error.message).toMatch(
        /external array link \/acquisition\/CompressedSeries\/data points: no HDF5 here/,
      );
      expect((await refused.stat(DATA))?.kind).toBe('dataset');
    } finally {
      await given.close();
      await refused.close();
    }
  });
  it('opens an external HDF5 file once, tries again after a failed open, and closes it with the index', async () => {
    const json = await lindiFromHdf5(COMPRESSED, { maxChunks: 4, url: 'https://example.invalid/c.nwb' });
    let attempts = 0;
    let closed = 0;
    const reader = await openLindi(json, {
      openHdf5: async () => {
        if (++attempts === 1) throw new UnsupportedError('the server is down', { feature: 'test' });
        const file = await openHdf5(COMPRESSED);
        const close = file.close.bind(file);
        file.close = () => {
          closed++;
          return close();
        };
        return file;
      },
    });
    const frame = (f: number) => reader.readData(DATA, toHyperslab([64, 48, 40], [f]));
    expect((await failure(frame(0))).message).toMatch(/the server is down/);
    const frames = await Promise.all([frame(0), frame(1), frame(2)]);
    expect(frames.map((f) => f.shape)).toEqual([
      [48, 40],
      [48, 40],
      [48, 40],
    ]);
    expect(attempts).toBe(2);
    await reader.close();
    expect(closed).toBe(1);
  });
});

describe('contiguous datasets in pieces', () => {
  it('references pieces along the first axis, the last one short, and reads them zero-padded', async () => {
    const json = await lindiFromHdf5(IRREGULAR, { contiguousPieceBytes: 1000 });
    const refs = json.refs as Record<string, unknown>;
    const base = 'acquisition/LinkedTimestampsSeries/data';
    // float32 (24, 8, 10): 320 bytes a row, 3 rows a piece, 8 pieces.
    expect(refs[`${base}/.zarray`]).toMatchObject({ chunks: [3, 8, 10], shape: [24, 8, 10], dtype: '<f4' });
    const pieces = Object.keys(refs).filter((k) => k.startsWith(`${base}/`) && /\/\d/.test(k));
    expect(pieces).toHaveLength(8);
    const uint8 = 'acquisition/IrregularSeries/data';
    // uint8 (24, 16, 20): 320 bytes a row, 3 rows a piece: the same 8 pieces of 960 bytes.
    expect((refs[`${uint8}/7.0.0`] as number[])[2]).toBe(960);
    const hdf5 = await openHdf5(IRREGULAR);
    const lindi = await openLindi(json);
    try {
      await expectSameTree(hdf5, lindi, '/acquisition');
    } finally {
      await lindi.close();
      await hdf5.close();
    }
  });

  it('zero-pads a numeric chunk stored shorter than the chunk', async () => {
    const json = await lindiFromHdf5(IRREGULAR, { contiguousPieceBytes: 7 * 320 });
    const refs = json.refs as Record<string, unknown>;
    const last = refs['acquisition/LinkedTimestampsSeries/data/3.0.0'] as [string, number, number];
    expect(last[2]).toBe(3 * 320); // 24 rows = 7 + 7 + 7 + 3
    const hdf5 = await openHdf5(IRREGULAR);
    const lindi = await openLindi(json);
    try {
      const path = '/acquisition/LinkedTimestampsSeries/data';
      const a = await hdf5.readData(path, wholeHyperslab([24, 8, 10]));
      const b = await lindi.readData(path, toHyperslab([24, 8, 10], [23]));
      expect(Array.from(b.data as Float32Array)).toEqual(
        Array.from((a.data as Float32Array).subarray(23 * 80)),
      );
    } finally {
      await lindi.close();
      await hdf5.close();
    }
  });
});

describe('over HTTP', () => {
  let server: Server;
  let base = '';
  let requests: { url: string; range: string | undefined }[] = [];
  let honourRange = true;
  const files = new Map<string, Uint8Array>();

  beforeAll(async () => {
    files.set('/c.nwb', await readFile(COMPRESSED));
    server = createServer((req, res) => {
      requests.push({ url: req.url!, range: req.headers.range });
      const body = files.get(req.url!);
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (m !== null && honourRange) {
        const start = Number(m[1]);
        const end = Math.min(Number(m[2]), body.length - 1);
        res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}` });
        res.end(body.subarray(start, end + 1));
      } else {
        res.writeHead(200).end(body);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const json = await lindiFromHdf5(COMPRESSED, { url: `${base}/c.nwb` });
    files.set('/c.nwb.lindi.json', new TextEncoder().encode(stringifyLindi(json)));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('opens with one request (the reference file) and reads a frame’s neighbouring chunks with one range request', async () => {
    requests = [];
    honourRange = true;
    const lindi = await openLindi(`${base}/c.nwb.lindi.json`);
    const hdf5 = await openHdf5(COMPRESSED);
    try {
      expect(requests).toEqual([{ url: '/c.nwb.lindi.json', range: undefined }]);
      requests = [];
      // Frame 9 lies in the second chunk row along axis 0: 2 x 2 chunks of (8, 24, 20), which
      // HDF5 wrote one after another.
      const frame = await lindi.readData(DATA, toHyperslab([64, 48, 40], [9]));
      expect(frame.shape).toEqual([48, 40]);
      expect(requests).toHaveLength(1);
      expect(requests.every((r) => r.url === '/c.nwb' && /^bytes=\d+-\d+$/.test(r.range ?? ''))).toBe(true);
      expect(lindi.stats.requests).toBe(1);
      const expected = await hdf5.readData(DATA, toHyperslab([64, 48, 40], [9]));
      expect(Array.from(frame.data as Uint16Array)).toEqual(Array.from(expected.data as Uint16Array));
    } finally {
      await lindi.close();
      await hdf5.close();
    }
  });

  it('reads a 10-frame slab of one-frame chunks with one range request, equal to the HDF5 read', async () => {
    // The uint8 series (24, 16, 20) is contiguous: LINDI references it in pieces of one frame
    // (320 bytes), one after another in the HDF5 file.
    const path = '/acquisition/IrregularSeries/data';
    files.set('/i.nwb', await readFile(IRREGULAR));
    const json = await lindiFromHdf5(IRREGULAR, { contiguousPieceBytes: 320, url: `${base}/i.nwb` });
    expect((json.refs as Record<string, unknown>)['acquisition/IrregularSeries/data/.zarray']).toMatchObject({
      chunks: [1, 16, 20],
    });
    const lindi = await openLindi(json);
    const hdf5 = await openHdf5(IRREGULAR);
    try {
      requests = [];
      const slab = toHyperslab([24, 16, 20], [{ start: 5, stop: 15 }]);
      const got = await lindi.readData(path, slab);
      expect(got.shape).toEqual([10, 16, 20]);
      expect(requests).toEqual([{ url: '/i.nwb', range: expect.stringMatching(/^bytes=\d+-\d+$/) }]);
      expect(lindi.stats).toEqual({ requests: 1, bytes: 10 * 320 });
      const expected = await hdf5.readData(path, slab);
      expect(Array.from(got.data as Uint8Array)).toEqual(Array.from(expected.data as Uint8Array));
      // Frames read together by separate calls share the request too, each getting its own bytes.
      requests = [];
      const frames = await Promise.all(
        [3, 4, 20].map((f) => lindi.readData(path, toHyperslab([24, 16, 20], [f]))),
      );
      const whole = await hdf5.readData(path, wholeHyperslab([24, 16, 20]));
      [3, 4, 20].forEach((f, i) =>
        expect(Array.from(frames[i]!.data as Uint8Array)).toEqual(
          Array.from((whole.data as Uint8Array).subarray(f * 320, (f + 1) * 320)),
        ),
      );
      // Frames 3 and 4 lie next to each other; frame 20 is 5 KiB further, within the merge gap.
      expect(requests).toHaveLength(1);
    } finally {
      await lindi.close();
      await hdf5.close();
    }
  });

  it('indexes the remote HDF5 file into the same reference file as the local one, by range requests', async () => {
    requests = [];
    const remote = await lindiFromHdf5(`${base}/c.nwb`);
    const local = await lindiFromHdf5(COMPRESSED, { url: `${base}/c.nwb` });
    expect(stringifyLindi(remote)).toBe(stringifyLindi(local));
    expect(requests.every((r) => r.url === '/c.nwb' && r.range !== undefined)).toBe(true);
    // Metadata and inline data only: far fewer bytes than the file's chunks.
    expect(requests.length).toBeLessThan(20);
  });

  it('reads an external array link of a remote HDF5 file with range requests', async () => {
    const json = await lindiFromHdf5(COMPRESSED, { maxChunks: 4, url: `${base}/c.nwb` });
    const lindi = await openLindi(json);
    const hdf5 = await openHdf5(COMPRESSED);
    try {
      const shape = [64, 48, 40];
      const got = await lindi.readData(DATA, toHyperslab(shape, [33]));
      const expected = await hdf5.readData(DATA, toHyperslab(shape, [33]));
      expect(Array.from(got.data as Uint16Array)).toEqual(Array.from(expected.data as Uint16Array));
    } finally {
      await lindi.close();
      await hdf5.close();
    }
  });

  it('refuses a server that ignores Range, naming the URL', async () => {
    honourRange = false;
    const lindi = await openLindi(`${base}/c.nwb.lindi.json`);
    try {
      const error = await failure(lindi.readData(DATA, toHyperslab([64, 48, 40], [9])));
      expect(error.message).toMatch(/c\.nwb does not honour HTTP Range requests/);
    } finally {
      honourRange = true;
      await lindi.close();
    }
  });
});

/** A ustar archive of `files`, laid out as LINDI's tar (entry file first, then the index). */
function lindiTar(files: [string, Uint8Array][]): Uint8Array {
  const header = (name: string, size: number): Uint8Array => {
    const h = new Uint8Array(512);
    const put = (text: string, at: number) => h.set(new TextEncoder().encode(text), at);
    put(name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(`${size.toString(8).padStart(11, '0')}\0`, 124);
    put('00000000000\0', 136);
    put('        ', 148);
    put('0', 156);
    put('ustar\0', 257);
    put('00', 263);
    const sum = h.reduce((a, b) => a + b, 0);
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return h;
  };
  const padded = (n: number) => Math.ceil(n / 512) * 512;
  // Layout: entry (header 0, data 512, 1024 bytes), index (header 1536, data 2048, 8192 bytes), then files.
  const entries: { n: string; o: number; d: number; s: number }[] = [];
  let offset = 2048 + 8192;
  for (const [name, bytes] of files) {
    entries.push({ n: name, o: offset, d: offset + 512, s: bytes.length });
    offset += 512 + padded(bytes.length);
  }
  const index = {
    files: [
      { n: '.tar_entry.json', o: 0, d: 512, s: 1024 },
      { n: '.tar_index.json', o: 1536, d: 2048, s: 8192 },
      ...entries,
    ],
  };
  const out = new Uint8Array(offset + 1024);
  const text = (value: unknown, size: number) =>
    new TextEncoder().encode(JSON.stringify(value).padEnd(size, ' '));
  out.set(header('.tar_entry.json', 1024), 0);
  out.set(text({ index: { n: '.tar_index.json', o: 1536, d: 2048, s: 8192 } }, 1024), 512);
  out.set(header('.tar_index.json', 8192), 1536);
  out.set(text(index, 8192), 2048);
  files.forEach(([name, bytes], i) => {
    out.set(header(name, bytes.length), entries[i]!.o);
    out.set(bytes, entries[i]!.d);
  });
  return out;
}

describe('.lindi.tar', () => {
  it('reads lindi.json from the archive and ./blobs references from their data offsets', async () => {
    const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'nwbjs-lindi-tar-'));
    try {
      const blob = new Uint8Array(new Float64Array([1.5, -2, 3.25, 4]).buffer);
      const rfs = {
        refs: {
          '.zgroup': { zarr_format: 2 },
          'x/.zarray': {
            chunks: [4],
            compressor: null,
            dtype: '<f8',
            fill_value: 0,
            filters: null,
            order: 'C',
            shape: [4],
            zarr_format: 2,
          },
          'x/0': ['./blobs/x/0', 0, blob.length],
        },
        version: 1,
      };
      const tar = lindiTar([
        ['lindi.json', new TextEncoder().encode(JSON.stringify(rfs))],
        ['blobs/x/0', blob],
      ]);
      const path = join(dir, 'a.lindi.tar');
      await writeFile(path, tar);
      const lindi = await openLindi(path);
      const x = await lindi.readData('/x', wholeHyperslab([4]));
      expect(Array.from(x.data as Float64Array)).toEqual([1.5, -2, 3.25, 4]);
      await lindi.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('.lindi.d', () => {
  it('reads lindi.json of the directory and ./ references from its files', async () => {
    const { writeFile, mkdir, mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'nwbjs-lindi-d-'));
    try {
      const store = join(dir, 'a.lindi.d');
      await mkdir(join(store, 'blobs', 'x'), { recursive: true });
      const blob = new Uint8Array(new Int16Array([7, -8, 9]).buffer);
      await writeFile(join(store, 'blobs', 'x', '0'), blob);
      const rfs = {
        refs: {
          '.zgroup': { zarr_format: 2 },
          'x/.zarray': {
            chunks: [3],
            compressor: null,
            dtype: '<i2',
            fill_value: 0,
            filters: null,
            order: 'C',
            shape: [3],
            zarr_format: 2,
          },
          'x/0': ['./blobs/x/0', 0, blob.length],
        },
        version: 1,
      };
      await writeFile(join(store, 'lindi.json'), JSON.stringify(rfs));
      const probe = {
        location: store,
        kind: 'directory' as const,
        head: new Uint8Array(0),
        has: async (n: string) => n === 'lindi.json',
      };
      expect(await lindiDescriptor.recognizes(probe)).toBe(true);
      const lindi = await openLindi(store);
      expect(Array.from((await lindi.readData('/x', wholeHyperslab([3]))).data as Int16Array)).toEqual([
        7, -8, 9,
      ]);
      await lindi.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('telling LINDI files apart', () => {
  const file = (text: string) => ({
    location: 'x',
    kind: 'file' as const,
    head: new TextEncoder().encode(text),
    has: async () => false,
  });
  it('recognises reference files by content and URLs by name', async () => {
    expect(await lindiDescriptor.recognizes(file('{\n  "refs": {\n    ".zgroup": {'))).toBe(true);
    expect(await lindiDescriptor.recognizes(file('{"generationMetadata": {}, "refs": {}}'))).toBe(true);
    expect(await lindiDescriptor.recognizes(file('{"zarr_format": 2}'))).toBe(false);
    expect(await lindiDescriptor.recognizes(file('\x89HDF\r\n'))).toBe(false);
    const url = (location: string) => ({
      location,
      kind: 'url' as const,
      head: new Uint8Array(0),
      has: async () => false,
    });
    expect(await lindiDescriptor.recognizes(url('https://h/x/nwb.lindi.json'))).toBe(true);
    expect(await lindiDescriptor.recognizes(url('https://h/x/nwb.lindi.tar?download=1'))).toBe(true);
    expect(await lindiDescriptor.recognizes(url('https://h/x/store.nwb.zarr'))).toBe(false);
  });
});

describe('hostile reference files', () => {
  const minimal = (refs: Record<string, unknown>, templates?: Record<string, string>): LindiJson => ({
    refs: { '.zgroup': { zarr_format: 2 }, ...refs },
    ...(templates === undefined ? {} : { templates }),
    version: 1,
  });
  const array = {
    chunks: [2],
    compressor: null,
    dtype: '<i4',
    fill_value: 0,
    filters: null,
    order: 'C',
    shape: [2],
    zarr_format: 2,
  };

  it('refuses keys that leave the tree', async () => {
    const error = await failure(openLindi(minimal({ '../x/.zgroup': { zarr_format: 2 } })));
    expect(isNWBError(error) && error._tag).toBe('InvalidFileError');
    expect(error.message).toMatch(/invalid name/);
  });

  it('refuses a file without a root group, and one that is not JSON with refs', async () => {
    expect((await failure(openLindi({ refs: {} } as LindiJson))).message).toMatch(/no root \.zgroup/);
    expect((await failure(openLindi({} as LindiJson))).message).toMatch(/no "refs" object/);
  });

  it('names an index given as JSON by its display name, and still refuses its relative references', async () => {
    const error = await failure(openLindi({} as LindiJson, { name: 'session.lindi.json' }));
    expect(error.message).toBe('session.lindi.json: a LINDI file has no "refs" object');
    expect((error as { path?: string }).path).toBe('session.lindi.json');
    const relative = await openLindi(minimal({ 'a/.zarray': array, 'a/0': ['./blob', 0, 8] }), {
      name: 'session.lindi.json',
    });
    expect(relative.location).toBe('session.lindi.json');
    expect((await failure(relative.readData('/a', wholeHyperslab([2])))).message).toMatch(
      /reference a\/0 is relative \(\.\/blob\) in a reference file given in memory/,
    );
  });

  it('names the key of a reference cut short, of an unknown template, and of bad base64', async () => {
    const cut = await openLindi(
      minimal({ 'a/.zarray': array, 'a/0': [COMPRESSED, (await readFile(COMPRESSED)).length - 4, 8] }),
    );
    expect((await failure(cut.readData('/a', wholeHyperslab([2])))).message).toMatch(
      /reference a\/0 is cut short/,
    );
    const template = await openLindi(minimal({ 'a/.zarray': array, 'a/0': ['{{nope}}', 0, 8] }));
    expect((await failure(template.readData('/a', wholeHyperslab([2])))).message).toMatch(
      /unknown template \{\{nope\}\}/,
    );
    const base64 = await openLindi(minimal({ 'a/.zarray': array, 'a/0': 'base64:!!!' }));
    expect((await failure(base64.readData('/a', wholeHyperslab([2])))).message).toMatch(/not valid base64/);
  });

  it('refuses a chunk that decodes to more bytes than the chunk holds', async () => {
    const lindi = await openLindi(minimal({ 'a/.zarray': array, 'a/0': `base64:${btoa('x'.repeat(12))}` }));
    const error = await failure(lindi.readData('/a', wholeHyperslab([2])));
    expect(error.message).toMatch(/chunk a\/0 is corrupt/);
  });

  it('stops at soft links that loop', async () => {
    const lindi = await openLindi(
      minimal({
        'a/.zgroup': { zarr_format: 2 },
        'a/.zattrs': { _SOFT_LINK: { path: '/b' } },
        'b/.zgroup': { zarr_format: 2 },
        'b/.zattrs': { _SOFT_LINK: { path: '/a' } },
      }),
    );
    expect((await lindi.stat('/a'))?.kind).toBe('link');
    expect((await failure(lindi.list('/a'))).message).toMatch(/too many soft links/);
  });
});

describe('pythonFloat', () => {
  it("spells floats as Python's repr does", () => {
    const cases: [number, string][] = [
      [0, '0.0'],
      [-0, '-0.0'],
      [1, '1.0'],
      [2.5, '2.5'],
      [0.1, '0.1'],
      [1e-5, '1e-05'],
      [1.5e-5, '1.5e-05'],
      [0.0001, '0.0001'],
      [1e16, '1e+16'],
      [1234567890123456, '1234567890123456.0'],
      [-3.25e100, '-3.25e+100'],
      [123.456, '123.456'],
      [Math.fround(0.1), '0.10000000149011612'],
    ];
    for (const [value, text] of cases) expect(pythonFloat(value), String(value)).toBe(text);
  });
});
