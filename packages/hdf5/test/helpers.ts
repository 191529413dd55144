/**
 * Shared test helpers: temporary directories, fixture paths, the nwb-validate tool, sha256 digests
 * as the fixture descriptions compute them, a compiled copy of the package for child processes.
 */
import { createHash } from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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

/** The package's own directory. */
export const PACKAGE_DIR = join(REPO_ROOT, 'packages/hdf5');

/**
 * Compiles the package's sources into `node_modules/.cache/<name>/dist` next to a verbatim copy of
 * its package.json, for child processes (a plain node process cannot load the TypeScript sources,
 * and tests must not depend on `dist` being fresh). Inside that directory the package resolves as
 * published: its `exports`, and its `#platform` import with the `browser` condition or without.
 * Returns the directory.
 */
export async function buildPackageCopy(name: string): Promise<string> {
  const dir = join(PACKAGE_DIR, 'node_modules/.cache', name);
  mkdirSync(dir, { recursive: true });
  const tsconfig = {
    extends: join(PACKAGE_DIR, 'tsconfig.build.json'),
    compilerOptions: {
      rootDir: join(PACKAGE_DIR, 'src'),
      outDir: join(dir, 'dist'),
      tsBuildInfoFile: join(dir, '.tsbuildinfo'),
      composite: false,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      incremental: true,
      // package.json maps #platform into ./dist; with another outDir the compiler needs telling.
      paths: { '#platform': [join(PACKAGE_DIR, 'src/platform/node.ts')] },
    },
    include: [join(PACKAGE_DIR, 'src')],
    exclude: [join(PACKAGE_DIR, 'src/**/*.test.ts')],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  copyFileSync(join(PACKAGE_DIR, 'package.json'), join(dir, 'package.json'));
  const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: PACKAGE_DIR });
  return dir;
}
