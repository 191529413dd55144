/**
 * The published packages, packed as `npm publish` would pack them, and what a tarball holds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './run.js';

/** The repository root (apps/consumer-check/src -> ../../..). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The packages users install, by name, with their folders. */
export const PUBLISHED = {
  '@nwbjs/core': 'packages/core',
  '@nwbjs/hdf5': 'packages/hdf5',
  '@nwbjs/zarr': 'packages/zarr',
  '@nwbjs/lindi': 'packages/lindi',
  'nwb-convert': 'apps/convert',
} as const;

/** A published package's name. */
export type PublishedName = keyof typeof PUBLISHED;

/** The fields of a package.json the checks read. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  license?: string;
  engines?: Record<string, string>;
  repository?: { type: string; url: string; directory?: string };
  homepage?: string;
  keywords?: string[];
  sideEffects?: boolean | string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** One packed package. */
export interface Packed {
  name: PublishedName;
  version: string;
  /** The tarball's path. */
  tarball: string;
  /** The paths inside the tarball (without the leading `package/`). */
  files: string[];
}

/** Packs every published package (already built) into a new temporary directory. */
export async function packAll(): Promise<{ dir: string; packed: Map<PublishedName, Packed> }> {
  const dir = await mkdtemp(join(tmpdir(), 'nwbjs-packs-'));
  const workspaces = Object.values(PUBLISHED).flatMap((folder) => ['--workspace', folder]);
  const result = await run('npm', ['pack', '--json', '--pack-destination', dir, ...workspaces], {
    cwd: REPO_ROOT,
  });
  if (result.code !== 0) throw new Error(`npm pack failed:\n${result.stderr}`);
  const reports = JSON.parse(result.stdout) as {
    name: PublishedName;
    version: string;
    filename: string;
    files: { path: string }[];
  }[];
  const packed = new Map<PublishedName, Packed>();
  for (const report of reports) {
    packed.set(report.name, {
      name: report.name,
      version: report.version,
      tarball: join(dir, report.filename),
      files: report.files.map((file) => file.path),
    });
  }
  return { dir, packed };
}

/** The text of `path` inside `tarball`. */
export function readFromTarball(tarball: string, path: string): string {
  return execFileSync('tar', ['-xzOf', tarball, `package/${path}`], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
}
