import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const repoRoot = path.resolve(here, '../../..');
/** The fixture copies of the repository. */
export const fixturesDir = path.join(repoRoot, 'fixtures');
/** nwb-validate, or the NWB_VALIDATE override. */
export const nwbValidate =
  process.env['NWB_VALIDATE'] ?? path.resolve(repoRoot, '../shared/tools/nwb-validate');

/** Runs nwb-validate; resolves with exit code and output. */
export function runValidate(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(nwbValidate, args, { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 99;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nwbjs-zarr-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
