/**
 * HDF5 stored chunks as HDF5 itself reports them (h5py's get_chunk_info, Debian's python3-h5py),
 * and the check that a Zarr store holds each of them byte for byte, for the chunk copy tests.
 */
import { execFile } from 'node:child_process';
import { open, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Runs an h5py script on `file` (Debian's python3-h5py); resolves with its stdout. */
export function h5py(file: string, mode: 'r' | 'a', script: string): Promise<string> {
  const program = `import h5py, json, sys\nf = h5py.File(sys.argv[1], '${mode}')\n${script}\nf.close()\n`;
  return new Promise((done, fail) => {
    execFile('/usr/bin/python3', ['-Es', '-c', program, file], { timeout: 120_000 }, (error, out, err) => {
      if (error) fail(new Error(`h5py (run scripts/install-interop-deps.sh): ${err || error.message}`));
      else done(out);
    });
  });
}

export interface StoredChunk {
  index: number[];
  offset: number;
  size: number;
}

/** Every stored chunk of the chunked dataset at `path`, as HDF5 itself reports it. */
export async function chunksOf(file: string, path: string): Promise<StoredChunk[]> {
  const out = await h5py(
    file,
    'r',
    `d = f['${path}']
chunks = []
for i in range(d.id.get_num_chunks()):
    info = d.id.get_chunk_info(i)
    chunks.append({'index': [o // c for o, c in zip(info.chunk_offset, d.chunks)], 'offset': info.byte_offset, 'size': info.size})
print(json.dumps(chunks))`,
  );
  return JSON.parse(out) as StoredChunk[];
}

export async function bytesAt(file: string, offset: number, size: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size);
    await handle.read(buffer, 0, size, offset);
    return buffer;
  } finally {
    await handle.close();
  }
}

/** Checks that `store` holds exactly the stored chunks of `source`'s dataset at `path`, byte for byte. */
export async function expectChunksCopied(
  source: string,
  store: string,
  path: string,
): Promise<StoredChunk[]> {
  const chunks = await chunksOf(source, path);
  expect(chunks.length).toBeGreaterThan(0);
  const files = (await readdir(join(store, path))).filter((f) => !f.startsWith('.'));
  expect(files.sort()).toEqual(chunks.map((c) => c.index.join('.')).sort());
  for (const chunk of chunks) {
    const stored = await readFile(join(store, path, chunk.index.join('.')));
    expect(
      Buffer.compare(stored, await bytesAt(source, chunk.offset, chunk.size)),
      chunk.index.join('.'),
    ).toBe(0);
  }
  return chunks;
}
