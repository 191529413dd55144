/**
 * Shared test helpers: temporary directories, fixture paths, the nwb-validate tool, sha256 digests
 * as the fixture descriptions compute them.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NdArray, ObjectRef } from '@nwbjs/core';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (packages/hdf5/test -> ../../..). */
export const REPO_ROOT = resolve(here, '../../..');
/** The fixture directory. */
export const FIXTURES = join(REPO_ROOT, 'fixtures');
/** The five PyNWB-written HDF5 fixtures. */
export const HDF5_FIXTURES = [
  'compressed_imageseries',
  'indexseries_images',
  'irregular_timestamps',
  'static_images',
  'tutorial_images',
];

/** A fresh temporary directory, and a function that removes it. */
export function tempDir(prefix = 'nwbjs-hdf5-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Path of the nwb-validate tool (NWB_VALIDATE overrides). */
export function nwbValidatePath(): string {
  return process.env['NWB_VALIDATE'] ?? resolve(REPO_ROOT, '../shared/tools/nwb-validate');
}

/** Runs nwb-validate with `args`; returns exit status and output. */
export function nwbValidate(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(nwbValidatePath(), args, { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** sha256 of an array as the fixture JSON computes it (numbers: C-order LE bytes; text/refs: JSON). */
export function sha256Of(array: NdArray): string {
  const hash = createHash('sha256');
  if (array.dtype === 'utf8' || array.dtype === 'ascii') {
    hash.update(JSON.stringify(array.data as string[]), 'utf8');
  } else if (array.dtype === 'ref') {
    hash.update(JSON.stringify((array.data as ObjectRef[]).map((r) => r.path)), 'utf8');
  } else {
    const data = array.data as ArrayBufferView;
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex');
}
