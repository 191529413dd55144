/**
 * The browser build needs no Node built-ins: a child `node --conditions=browser` process, whose
 * module loader refuses every Node built-in and `h5wasm/node` (except for the probe script itself,
 * which reads the fixture and saves the result), imports @nwbjs/hdf5 by its package name from a
 * compiled copy with the real package.json, reads a frame from fixture bytes, writes a file in
 * memory, and reads a gzip-compressed frame with Hdf5FormatReader (inflating through the web's
 * DecompressionStream). Without the condition the same probe must fail: the loader does catch the
 * Node build.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openHdf5 } from '../src/index.js';
import { FIXTURES, PACKAGE_DIR, buildPackageCopy, nwbValidate, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const run = promisify(execFile);

/** Registers HOOKS with the probe's URL (the one module allowed to use built-ins). */
const REGISTER = `
import { register } from 'node:module';
register(new URL('./forbid-hooks.mjs', import.meta.url), { data: { probe: new URL('./probe.mjs', import.meta.url).href } });
`;

/** Resolve hook: no Node built-in and no h5wasm/node, for anything but the probe. */
const HOOKS = `
import { builtinModules } from 'node:module';
const builtins = new Set(builtinModules);
let probe = '';
export function initialize(data) { probe = data.probe; }
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  const checked = parent !== undefined && parent !== probe;
  const forbidden = (what) => new Error('the browser build imports ' + what + ' (from ' + parent + ')');
  if (checked && (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0]) || specifier === 'h5wasm/node')) {
    throw forbidden(specifier);
  }
  const result = await next(specifier, context);
  if (checked && (result.url.startsWith('node:') || result.url.includes('/h5wasm/dist/node/'))) throw forbidden(result.url);
  return result;
}
`;

/** Reads a frame from fixture bytes (given as a Blob), writes a small file in memory, prints a summary. */
const PROBE = `
import { readFileSync, writeFileSync } from 'node:fs';
const { HDF5_PLATFORM, Hdf5FormatReader, NWBHDF5IO, openHdf5 } = await import('@nwbjs/hdf5');
const { ImageSeries, NWBFile, ndarray } = await import('@nwbjs/core');
const [fixture, out] = process.argv.slice(2);
const reader = NWBHDF5IO.fromBytes(new Blob([readFileSync(fixture)]), 'tutorial_images.nwb');
const file = await reader.read();
const frame = await file.acquisition.get('ImageSeries').data.read([7]);
await reader.close();
const pathError = await openHdf5(fixture).then(() => 'opened', (e) => e._tag);
const movie = new ImageSeries({ name: 'movie', unit: 'n.a.', rate: 10,
  data: ndarray('uint8', [3, 4, 5], Uint8Array.from({ length: 60 }, (_, i) => i)) });
const writer = NWBHDF5IO.inMemory('small.nwb');
await writer.write(new NWBFile({ sessionDescription: 'browser', identifier: 'browser-1',
  sessionStartTime: '2024-01-01T00:00:00+00:00', acquisition: [movie] }));
const bytes = await writer.toBytes();
writeFileSync(out, bytes);
const compressed = new Uint8Array(readFileSync(fixture.replace('tutorial_images.nwb', 'compressed_imageseries.nwb')));
const formatReader = await Hdf5FormatReader.open(async (offset, length) => compressed.slice(offset, offset + length));
const slab = { start: [5, 0, 0], count: [1, 48, 40], step: [1, 1, 1], dropped: [true, false, false] };
const compressedFrame = await formatReader.readData('/acquisition/CompressedSeries/data', slab);
const frameSum = compressedFrame.data.reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ platform: HDF5_PLATFORM, frameShape: frame.shape, pathError, bytes: bytes.length, frameSum }));
`;

let copy = '';
beforeAll(async () => {
  copy = await buildPackageCopy('nwbjs-browser-test');
  writeFileSync(join(copy, 'register.mjs'), REGISTER);
  writeFileSync(join(copy, 'forbid-hooks.mjs'), HOOKS);
  writeFileSync(join(copy, 'probe.mjs'), PROBE);
});

function probe(conditions: string[], out: string): Promise<{ stdout: string; stderr: string }> {
  const args = [
    ...conditions,
    '--import',
    pathToFileURL(join(copy, 'register.mjs')).href,
    join(copy, 'probe.mjs'),
  ];
  return run(process.execPath, [...args, join(FIXTURES, 'tutorial_images.nwb'), out], {
    cwd: PACKAGE_DIR,
    timeout: 50_000,
  });
}

it('the browser build reads and writes files as bytes without any Node built-in', async () => {
  const out = join(dir, 'small.nwb');
  const { stdout } = await probe(['--conditions=browser'], out);
  const summary = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  expect(summary).toMatchObject({
    platform: 'browser',
    frameShape: [50, 50, 3],
    pathError: 'UnsupportedError',
  });
  expect(summary['bytes']).toBeGreaterThan(10_000);
  const h5wasm = await openHdf5(join(FIXTURES, 'compressed_imageseries.nwb'));
  const slab = { start: [5, 0, 0], count: [1, 48, 40], step: [1, 1, 1], dropped: [true, false, false] };
  const frame = (await h5wasm.readData('/acquisition/CompressedSeries/data', slab)).data as Uint16Array;
  await h5wasm.close();
  expect(summary['frameSum']).toBe(frame.reduce((a, b) => a + b, 0));
  const check = nwbValidate('check', out);
  expect(check.status, check.output).toBe(0);
});

it('the same probe without the browser condition is refused (the Node build is caught)', async () => {
  const error = await probe([], join(dir, 'refused.nwb')).then(
    () => undefined,
    (e: unknown) => e as { stderr: string },
  );
  expect(error?.stderr).toMatch(/the browser build imports (node:|h5wasm\/node)/);
});
