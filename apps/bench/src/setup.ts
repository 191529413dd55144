/**
 * The set-up step: the Python side needs Debian's python3-h5py and python3-zarr. When they are
 * missing, scripts/install-interop-deps.sh of the repository installs them with apt-get (the same
 * step the interop tests use). If that cannot run, the bench still runs ours and says why theirs is
 * missing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PythonSide } from './bench.js';
import { pythonCan } from './child.js';

/** The repository's apt-get step, found from dist/ (apps/bench/dist -> scripts/). */
export const INSTALL_SCRIPT = fileURLToPath(
  new URL('../../../scripts/install-interop-deps.sh', import.meta.url),
);

const IMPORTS = 'import h5py, zarr, numcodecs, numpy';

/** Makes sure h5py and zarr-python can be imported, installing them when allowed. */
export async function preparePython(
  python: string,
  allowInstall: boolean,
  log: (line: string) => void,
): Promise<PythonSide> {
  if (!(await pythonCan(python, IMPORTS))) {
    if (!allowInstall)
      return { missing: `${python} cannot import h5py and zarr (set-up skipped)`, version: 'python: n/a' };
    if (!existsSync(INSTALL_SCRIPT))
      return { missing: `${INSTALL_SCRIPT} not found`, version: 'python: n/a' };
    log(`installing python3-h5py and python3-zarr with ${INSTALL_SCRIPT}`);
    const status = await new Promise<number | null>((resolve) => {
      const child = spawn('bash', [INSTALL_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', () => resolve(-1));
      child.on('close', resolve);
    });
    if (status !== 0 || !(await pythonCan(python, IMPORTS))) {
      return {
        missing: `h5py/zarr-python missing and the apt-get set-up failed (exit ${status})`,
        version: 'python: n/a',
      };
    }
  }
  return { missing: undefined, version: await pythonVersions(python) };
}

function pythonVersions(python: string): Promise<string> {
  const code =
    'import sys, h5py, zarr, numpy; print(f"python {sys.version.split()[0]}, h5py {h5py.__version__} (HDF5 {h5py.version.hdf5_version}), zarr {zarr.__version__}, numpy {numpy.__version__}")';
  return new Promise((resolve) => {
    const child = spawn(python, ['-Es', '-c', code], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', () => resolve('python: unknown'));
    child.on('close', () => resolve(out.trim() || 'python: unknown'));
  });
}
