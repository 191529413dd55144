/**
 * The chunk index read from the file's own structures, checked against HDF5 itself: for every
 * dataset of the shared fixtures, the real-world files, files h5wasm writes (through this package's
 * writer) and generated files covering every index kind, h5py's `get_chunk_info` must list the same
 * chunks (offset, byte offset, size, filter mask), and a contiguous dataset's one range must match.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndarray } from '@nwbjs/core';
import { openHdf5 } from '../../src/index.js';
import { Hdf5Structure } from '../../src/format/hdf5-structure.js';
import { FIXTURES, HDF5_FIXTURES, REPO_ROOT, tempDir } from '../helpers.js';
import { fileSource } from './file-source.js';

const { dir, cleanup } = tempDir('nwbjs-format-');
afterAll(cleanup);

function python(
  script: string,
  ...args: string[]
): { status: number | null; output: string; stdout: string } {
  const result = spawnSync('/usr/bin/python3', ['-Es', '-c', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return {
    status: result.status,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`,
    stdout: result.stdout ?? '',
  };
}
const hasH5py = python('import h5py').status === 0;

/** Above this many chunks h5py 3.7 is slow: a sample of chunks is compared, and the count. */
const SAMPLE_ABOVE = 5000;

/** Prints the paths of the datasets h5py sees (data in external files left out). */
const LIST = `
import h5py, json, sys
out = []
def visit(name, obj):
    if isinstance(obj, h5py.Dataset) and not obj.external:
        out.append('/' + name)
with h5py.File(sys.argv[1], 'r') as f:
    f.visititems(visit)
print(json.dumps(out))
`;

/**
 * Checks our chunks (argv[2], JSON: path -> [[offset, byte offset, size, mask], ...]) against HDF5:
 * each chunk looked up by its coordinates (get_chunk_info_by_coord), and the count; contiguous data
 * by its offset and storage size. HDF5 1.10's chunk-info calls misplace the chunks of an extensible
 * array whose unlimited axis is not the first (they number the chunks unswizzled, unlike its reads
 * and writes): there the chunk's stored bytes must equal what h5py reads at its place. Prints the
 * disagreements.
 */
const CHECK = `
import h5py, json, sys, numpy as np
ours = json.load(open(sys.argv[2]))
def same_data(filename, d, c):
    # Where HDF5's chunk-info calls are wrong, what HDF5 reads is the judge: the stored (unfiltered)
    # chunk must hold the elements h5py reads at the chunk's place.
    if d.compression is not None or d.shuffle or d.fletcher32 or c[3] != 0:
        return False
    with open(filename, 'rb') as raw:
        raw.seek(c[1])
        stored = np.frombuffer(raw.read(c[2]), dtype=d.dtype).reshape(d.chunks)
    region = tuple(slice(o, min(o + n, s)) for o, n, s in zip(c[0], d.chunks, d.shape))
    valid = tuple(slice(0, r.stop - r.start) for r in region)
    return bool(np.array_equal(stored[valid], d[region]))
bad = []
with h5py.File(sys.argv[1], 'r') as f:
    for path, chunks in ours.items():
        d = f[path]
        if d.chunks is None:
            off = d.id.get_offset()
            want = [] if off is None else [[[0] * len(d.shape), off, d.id.get_storage_size(), 0]]
            if chunks != want:
                bad.append([path, 'contiguous', want, chunks])
            continue
        n = d.id.get_num_chunks()
        if n != len(chunks):
            bad.append([path, 'count', n, len(chunks)])
        step = 1 if len(chunks) <= ${SAMPLE_ABOVE} else len(chunks) // 997
        for c in chunks[::step] + chunks[-1:]:
            info = d.id.get_chunk_info_by_coord(tuple(c[0]))
            want = None if info.byte_offset is None else [list(info.chunk_offset), info.byte_offset, info.size, info.filter_mask]
            if want != c and not same_data(f.filename, d, c):
                bad.append([path, 'chunk', want, c])
                break
print(json.dumps(bad))
`;

async function compareWithH5py(file: string): Promise<number> {
  const listed = python(LIST, file);
  expect(listed.status, listed.output).toBe(0);
  const paths = JSON.parse(listed.stdout) as string[];
  const { source, size, close } = await fileSource(file);
  const ours: Record<string, unknown[]> = {};
  try {
    const structure = await Hdf5Structure.open(source, size);
    for (const path of paths) {
      const chunks = await structure.chunks(path);
      ours[path] = chunks.map((c) => [[...c.offset], structure.fileOffset(c.address), c.size, c.filterMask]);
    }
  } finally {
    await close();
  }
  const oursFile = join(dir, 'ours.json');
  writeFileSync(oursFile, JSON.stringify(ours));
  const checked = python(CHECK, file, oursFile);
  expect(checked.status, checked.output).toBe(0);
  expect(JSON.parse(checked.stdout), file).toEqual([]);
  return paths.length;
}

/** Generated files: one dataset per index kind, edge chunks, filter masks, unlimited axes. */
const GENERATE = `
import h5py, numpy as np, sys, zlib
out = sys.argv[1]
def fill(shape, dtype='<i4'):
    return (np.arange(int(np.prod(shape))) % 251).astype(dtype).reshape(shape)
for libver, name in ((None, 'earliest.h5'), ('latest', 'latest.h5')):
    kw = {} if libver is None else {'libver': 'latest'}
    with h5py.File(out + '/' + name, 'w', **kw) as f:
        f.create_dataset('contiguous', data=fill((13, 7)))
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        h5py.h5d.create(f.id, b'compact', h5py.h5t.STD_I16LE, h5py.h5s.create_simple((3,)), dcpl=dcpl)
        f.create_dataset('edges', data=fill((95, 33)), chunks=(10, 7))
        f.create_dataset('gzip_shuffle', data=fill((95, 33)), chunks=(10, 7), compression='gzip', shuffle=True)
        f.create_dataset('fletcher', data=fill((40,), '<f8'), chunks=(6,), fletcher32=True)
        f.create_dataset('single', data=fill((20, 5)), chunks=(20, 5))
        f.create_dataset('single_gzip', data=fill((20, 5)), chunks=(20, 5), compression='gzip')
        f.create_dataset('fixed_maxshape', data=fill((10, 9)), chunks=(3, 4), maxshape=(25, 9), compression='gzip')
        # More than 1024 chunks: a paged fixed array, only some pages ever written.
        sparse = f.create_dataset('sparse_paged', shape=(120, 120), chunks=(3, 3), dtype='<i2', fillvalue=-1)
        sparse[90:100, 90:100] = 7
        sparse[0:2, 0:2] = 5
        f.create_dataset('ea_one_unlimited', data=fill((5000, 3), '<u1'), chunks=(2, 3), maxshape=(None, 3), compression='gzip')
        f.create_dataset('ea_second_axis', data=fill((4, 3000), '<u2'), chunks=(3, 7), maxshape=(4, None))
        grown = f.create_dataset('ea_grown', shape=(0, 2), chunks=(5, 2), maxshape=(None, 2), dtype='<f4')
        for i in range(7):
            grown.resize((grown.shape[0] + 13, 2))
            grown[-13:] = i
        f.create_dataset('bt2', data=fill((50, 60), '<i8'), chunks=(4, 5), maxshape=(None, None))
        f.create_dataset('bt2_gzip', data=fill((50, 60)), chunks=(4, 5), maxshape=(None, None), compression='gzip')
        f.create_dataset('bt2_deep', shape=(1000, 1000), chunks=(10, 10), maxshape=(None, None), dtype='<u1', data=np.ones((1000, 1000), '<u1'))
        # Filter masks: chunks written directly, some with the (optional) deflate filter skipped.
        masked = f.create_dataset('masked', shape=(40, 6), chunks=(10, 6), dtype='<i4', compression='gzip', maxshape=(None, 6))
        for i in range(4):
            raw = fill((10, 6)).tobytes()
            if i % 2 == 0:
                masked.id.write_direct_chunk((i * 10, 0), raw, filter_mask=1)
            else:
                masked.id.write_direct_chunk((i * 10, 0), zlib.compress(raw), filter_mask=0)
        masked_fixed = f.create_dataset('masked_fixed', shape=(20, 6), chunks=(10, 6), dtype='<i4', compression='gzip')
        masked_fixed.id.write_direct_chunk((0, 0), fill((10, 6)).tobytes(), filter_mask=1)
        masked_bt2 = f.create_dataset('masked_bt2', shape=(20, 6), chunks=(10, 6), dtype='<i4', compression='gzip', maxshape=(None, None))
        masked_bt2.id.write_direct_chunk((10, 0), fill((10, 6)).tobytes(), filter_mask=1)
        if libver == 'latest':
            # Implicit index: no filters, space allocated when the dataset is created.
            dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            dcpl.set_chunk((4, 4))
            dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
            space = h5py.h5s.create_simple((10, 9))
            h5py.h5d.create(f.id, b'implicit', h5py.h5t.STD_I32LE, space, dcpl=dcpl)
            f['implicit'][...] = fill((10, 9))
        g = f.create_group('many_links', track_order=True)
        for i in range(40):
            g.create_dataset('d%02d' % i, data=np.arange(i + 1))
        g['soft'] = h5py.SoftLink('/edges')
    # More than 100k chunks, one unlimited axis (a big extensible array, paged data blocks).
    with h5py.File(out + '/many_' + name, 'w', **kw) as f:
        f.create_dataset('many', data=np.arange(150000, dtype='<i2'), chunks=(1,), maxshape=(None,))
`;

describe.skipIf(!hasH5py)('chunk index against h5py get_chunk_info', () => {
  beforeAll(() => {
    const made = python(GENERATE, dir);
    expect(made.status, made.output).toBe(0);
  }, 300_000);

  for (const name of ['earliest.h5', 'latest.h5']) {
    it(`generated file with every index kind: ${name}`, async () => {
      expect(await compareWithH5py(join(dir, name))).toBeGreaterThan(15);
    });
  }

  it('the generated files hold every index kind', async () => {
    const kinds = async (name: string, paths: string[]): Promise<string[]> => {
      const { source, size, close } = await fileSource(join(dir, name));
      try {
        const structure = await Hdf5Structure.open(source, size);
        const found = await Promise.all(paths.map((p) => structure.dataset(p)));
        return found.map((d) => (d.layout.kind === 'chunked' ? d.layout.index : d.layout.kind));
      } finally {
        await close();
      }
    };
    const paths = [
      '/contiguous',
      '/compact',
      '/edges',
      '/single',
      '/implicit',
      '/sparse_paged',
      '/ea_grown',
      '/bt2',
    ];
    expect(await kinds('latest.h5', paths)).toEqual([
      'contiguous',
      'compact',
      'fixed-array',
      'single',
      'implicit',
      'fixed-array',
      'extensible-array',
      'btree2',
    ]);
    expect(await kinds('earliest.h5', ['/edges', '/bt2', '/ea_grown'])).toEqual([
      'btree1',
      'btree1',
      'btree1',
    ]);
  });

  for (const name of ['many_earliest.h5', 'many_latest.h5']) {
    it(`over 100k chunks: ${name}`, async () => {
      expect(await compareWithH5py(join(dir, name))).toBe(1);
    }, 600_000);
  }

  it('the shared PyNWB fixtures', async () => {
    for (const name of HDF5_FIXTURES) await compareWithH5py(join(FIXTURES, `${name}.nwb`));
  });

  it('the real-world files (PyNWB, MatNWB, nwb-explorer)', async () => {
    const root = join(REPO_ROOT, '../shared/fixtures/realworld');
    let files = 0;
    for (const tool of readdirSync(root)) {
      if (!existsSync(join(root, tool)) || tool.includes('.')) continue;
      for (const name of readdirSync(join(root, tool))) {
        if (!name.endsWith('.nwb')) continue;
        await compareWithH5py(join(root, tool, name));
        files++;
      }
    }
    expect(files).toBeGreaterThan(40);
  }, 600_000);

  it('files h5wasm writes', async () => {
    const path = join(dir, 'h5wasm.h5');
    const w = await openHdf5(path, 'w');
    await w.createGroup('/g');
    await w.createDataset('/g/chunked', {
      dtype: 'float32',
      shape: [100, 7],
      maxShape: [null, 7],
      chunks: [16, 7],
    });
    await w.writeData('/g/chunked', [0, 0], ndarray('float32', [100, 7], new Float32Array(700).fill(2)));
    await w.createDataset('/g/gzip', {
      dtype: 'int16',
      shape: [50],
      chunks: [8],
      compression: { codec: 'gzip', level: 4, shuffle: false },
    });
    await w.writeData('/g/gzip', [0], ndarray('int16', [50], new Int16Array(50).fill(3)));
    await w.createDataset('/plain', { dtype: 'uint8', shape: [30] });
    await w.writeData('/plain', [0], ndarray('uint8', [30], new Uint8Array(30).fill(1)));
    await w.close();
    expect(await compareWithH5py(path)).toBe(3);
  });
});
