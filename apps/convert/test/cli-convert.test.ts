/**
 * `nwb-convert INPUT OUTPUT` through main(): both directions, repacks, --to, --compression,
 * --chunks, --overwrite, --quiet, external files (rewritten or copied), the summary, the warnings and
 * the progress bar. Every file written is checked with nwb-validate.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isDatasetHandle, readTree, type GroupNode } from '@nwbjs/core';
import { openHdf5 } from '@nwbjs/hdf5';
import { inspect, type InspectEntry } from '../src/index.js';
import { checkAll, copyFixtures, nwbValidate, runCli, tempDir } from './helpers.js';

const temp = await tempDir('nwb-convert-cli-');
await copyFixtures(temp.dir, ['compressed_imageseries.nwb', 'static_images.nwb.zarr', 'tutorial_images.nwb']);
afterAll(() => temp.cleanup());
const at = (name: string) => join(temp.dir, name);
const compressed = at('compressed_imageseries.nwb');
const staticZarr = at('static_images.nwb.zarr');
const tutorial = at('tutorial_images.nwb');

/** Asserts the file is valid and has no difference from `source` (object ids included). */
async function expectValidCopyOf(source: string, output: string): Promise<void> {
  const [[check], diff] = await Promise.all([checkAll([output]), nwbValidate('diff', source, output)]);
  expect(check!.out, output).toMatch(/^OK/);
  expect(diff.out.trim(), diff.out).toBe('no differences');
}

async function entry(file: string, path: string): Promise<InspectEntry> {
  const found = (await inspect(file)).objects.find((object) => object.path === path);
  if (found === undefined) throw new Error(`${file} has no ${path}`);
  return found;
}

/** The external_file values of /acquisition/ExternalFiles in an HDF5 file. */
async function externalFiles(file: string): Promise<string[]> {
  const reader = await openHdf5(file, 'r');
  try {
    const tree = await readTree(reader);
    const series = (tree.children.get('acquisition') as GroupNode).children.get('ExternalFiles') as GroupNode;
    const node = series.children.get('external_file');
    if (node?.kind !== 'dataset') throw new Error('no external_file');
    if (!isDatasetHandle(node.value)) throw new Error('external_file was read as a value, not a handle');
    return (await node.value.read()).data as string[];
  } finally {
    await reader.close();
  }
}

describe('nwb-convert INPUT OUTPUT', () => {
  it('converts HDF5 to Zarr and prints a one-line summary on stderr', async () => {
    const output = at('compressed.nwb.zarr');
    const result = await runCli([compressed, output]);
    expect(result.code).toBe(0);
    expect(result.out).toBe('');
    expect(result.err).toMatch(
      /^compressed_imageseries\.nwb \(hdf5\) -> compressed\.nwb\.zarr \(zarr\): \d+ objects, [\d.]+ KB, [\d.]+ (ms|s)\n$/,
    );
    await expectValidCopyOf(compressed, output);
    // The source's chunking and compression are kept.
    expect(await entry(output, '/acquisition/CompressedSeries/data')).toMatchObject({
      chunks: [8, 24, 20],
      compression: 'gzip:4',
    });
  });

  it('converts Zarr to HDF5 and groups the warnings of what HDF5 cannot store the same way', async () => {
    const output = at('static.nwb');
    const result = await runCli([staticZarr, output]);
    expect(result.code).toBe(0);
    const lines = result.err.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^static_images\.nwb\.zarr \(zarr\) -> static\.nwb \(hdf5\): \d+ objects/);
    // hdmf-zarr compresses with Blosc, which h5wasm lacks: one line for all datasets, naming them.
    const blosc = lines.filter((line) => line.includes('blosc'));
    expect(blosc).toHaveLength(1);
    expect(blosc[0]).toMatch(/^warning: .*\(\d+ datasets: \/acquisition\/static_images\//);
    await expectValidCopyOf(staticZarr, output);
  });

  it('repacks HDF5 to HDF5 with --compression gzip:4 and re-chunks with --chunks', async () => {
    const output = at('repacked.nwb');
    const result = await runCli([
      compressed,
      output,
      '--compression',
      'gzip:4',
      '--chunks',
      '4,48,40',
      '--quiet',
    ]);
    expect(result).toEqual({ code: 0, out: '', err: '' });
    await expectValidCopyOf(compressed, output);
    expect(await entry(output, '/acquisition/CompressedSeries/data')).toMatchObject({
      chunks: [4, 48, 40],
      compression: 'gzip:4',
    });
  });

  it('clamps --chunks to the shape and leaves data of another rank alone', async () => {
    const output = at('clamped.nwb');
    expect((await runCli([compressed, output, '--chunks', '100,1000,7', '--quiet'])).code).toBe(0);
    await expectValidCopyOf(compressed, output);
    expect((await entry(output, '/acquisition/CompressedSeries/data')).chunks).toEqual([64, 48, 7]);
    expect((await entry(output, '/acquisition/CompressedSeries/dimension')).chunks).toBeUndefined();
  });

  it('says which image data of another rank --chunks left as it was', async () => {
    const output = at('tutorial-rechunked.nwb.zarr');
    const result = await runCli([tutorial, output, '--chunks', '2,10,10']);
    expect(result.code, result.err).toBe(0);
    expect(result.err).toMatch(
      /\nnote: --chunks 2,10,10 has 3 sizes; \/acquisition\/ImageSeries\/data \(4-D\), .* kept their chunking\n/,
    );
    expect((await entry(output, '/acquisition/ImageSeries/data')).chunks).toHaveLength(4);
  });

  it('repacks Zarr to Zarr with --compression none', async () => {
    const output = at('uncompressed.nwb.zarr');
    expect((await runCli([staticZarr, output, '--compression', 'none', '--quiet'])).code).toBe(0);
    await expectValidCopyOf(staticZarr, output);
    const data = await entry(output, '/acquisition/static_images/rgb');
    expect(data.compression).toBeUndefined();
  });

  it('writes the format --to names whatever the output is called', async () => {
    const output = at('store.bin');
    expect((await runCli([compressed, output, '--to', 'zarr', '--quiet'])).code).toBe(0);
    expect(statSync(output).isDirectory()).toBe(true);
    expect((await inspect(output)).format).toBe('zarr');
    await expectValidCopyOf(compressed, output);
  });

  it('refuses an existing output unless --overwrite is given', async () => {
    const output = at('twice.nwb.zarr');
    expect((await runCli([compressed, output, '--quiet'])).code).toBe(0);
    const refused = await runCli([compressed, output, '--quiet']);
    expect(refused.code).toBe(2);
    expect(refused.err).toBe(`nwb-convert: ${output}: output exists; pass --overwrite to replace it\n`);
    const replaced = await runCli([compressed, output, '--overwrite', '--quiet']);
    expect(replaced.code).toBe(0);
    await expectValidCopyOf(compressed, output);
  });

  it('rewrites external file paths when the output is in another directory, and says so', async () => {
    await mkdir(at('elsewhere'));
    const output = at('elsewhere/tutorial.nwb');
    const result = await runCli([tutorial, output]);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/; external files: 3 path\(s\) rewritten\n$/);
    expect(await externalFiles(output)).toEqual([
      '../image/file_1.tiff',
      '../image/file_2.tiff',
      '../image/file_3.tiff',
    ]);
    const [[check], diff] = await Promise.all([checkAll([output]), nwbValidate('diff', tutorial, output)]);
    expect(check!.out).toMatch(/^OK/);
    // The paths are the only difference, and each still names the same file.
    const differences = diff.out.split('\n').filter((line) => line.startsWith('/'));
    expect(differences).toHaveLength(3);
    for (const line of differences) expect(line).toMatch(/^\/acquisition\/ExternalFiles\/external_file: /);
  });

  it('copies external files next to the output with --copy-external, keeping the paths', async () => {
    await mkdir(at('copied'));
    const output = at('copied/tutorial.nwb.zarr');
    const result = await runCli([tutorial, output, '--copy-external']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/; external files: 3 copied\n$/);
    for (const file of ['file_1.tiff', 'file_2.tiff', 'file_3.tiff']) {
      expect(existsSync(at(`copied/image/${file}`))).toBe(true);
    }
    await expectValidCopyOf(tutorial, output);
  });

  it('leaves external file paths alone when the output is in the same directory', async () => {
    const output = at('tutorial_here.nwb.zarr');
    const result = await runCli([tutorial, output]);
    expect(result.code).toBe(0);
    expect(result.err).not.toMatch(/external/);
    await expectValidCopyOf(tutorial, output);
  });

  it('draws a progress bar (bytes done / total, rate, ETA) when stderr is a terminal', async () => {
    const output = at('progress.nwb.zarr');
    const result = await runCli([tutorial, output], { tty: true });
    expect(result.code).toBe(0);
    const frames = result.err.split('\r').filter((frame) => frame.startsWith('['));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.at(-1)).toMatch(/^\[#+\] 100% 3\.02 MB \/ 3\.02 MB [\d.]+ [KMG]?B\/s ETA /);
    // The bar is cleared before the summary, which stays on its own line.
    const cleared = result.err.lastIndexOf('\r\u001b[K');
    expect(cleared).toBeGreaterThan(0);
    expect(result.err.slice(cleared + 4)).toMatch(/^[^\r]*-> progress\.nwb\.zarr \(zarr\): \d+ objects/);
    const quiet = await runCli([tutorial, at('quiet.nwb.zarr'), '--quiet'], { tty: true });
    expect(quiet.err).toBe('');
    for (const check of await checkAll([output, at('quiet.nwb.zarr')]))
      expect(check.out, check.file).toMatch(/^OK/);
  });

  it('draws no progress bar when stderr is not a terminal', async () => {
    const result = await runCli([tutorial, at('piped.nwb.zarr')]);
    expect(result.err).not.toContain('\r');
    expect(result.err.split('\n')).toHaveLength(2);
    expect((await checkAll([at('piped.nwb.zarr')]))[0]!.out).toMatch(/^OK/);
  });
});
