/**
 * The packages as a user gets them. Each published package is packed as `npm publish` would pack it;
 * the tarballs are checked (license, sources behind the source maps, no build info, no internal
 * import specifiers in the types, the package.json fields registries and bundlers read), linted with
 * publint and arethetypeswrong, installed into a fresh TypeScript project outside the repository,
 * where the README examples type-check with `nodenext` and `node10` resolution and run, and a page
 * bundled by Vite reads a Zarr frame over HTTP in headless Chromium.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatasetHandle, type ImageSeries } from '@nwbjs/core';
import { NWBZarrIO } from '@nwbjs/zarr';
import { buildPage, readFrameInChromium } from '../src/browser-check.js';
import { createConsumerProject, type ConsumerProject } from '../src/consumer-project.js';
import {
  PUBLISHED,
  REPO_ROOT,
  packAll,
  readFromTarball,
  type Manifest,
  type Packed,
  type PublishedName,
} from '../src/pack.js';
import { readmeExamples, type ReadmeExample } from '../src/readme-examples.js';
import { run, runNode } from '../src/run.js';

const FIXTURES = join(REPO_ROOT, 'fixtures');
const NAMES = Object.keys(PUBLISHED) as PublishedName[];
let packs: Awaited<ReturnType<typeof packAll>>;
let examples: ReadmeExample[];
let project: ConsumerProject;

beforeAll(async () => {
  packs = await packAll();
  examples = readmeExamples();
  project = await createConsumerProject(packs.packed, examples);
});
afterAll(async () => {
  await Promise.all(
    [packs?.dir, project?.dir].map((dir) => dir && rm(dir, { recursive: true, force: true })),
  );
});

/**
 * The errors tsc reports in the examples and in our packages' declarations. Libraries' own
 * declarations are checked too (skipLibCheck off), but what is wrong in a dependency's (unzipit's
 * extensionless imports, say) is for that dependency to fix.
 */
function ourErrors(output: string): string[] {
  const errors = output.split(/\n(?=\S)/).filter((block) => /\): error TS/.test(block));
  return errors.filter(
    (block) => !block.startsWith('node_modules/') || /^node_modules\/(@nwbjs\/|nwb-convert\/)/.test(block),
  );
}

function packed(name: PublishedName): Packed {
  const found = packs.packed.get(name);
  if (found === undefined) throw new Error(`${name} was not packed`);
  return found;
}

describe('the tarballs', () => {
  for (const name of NAMES) {
    it(`${name}: license, readme, no build info, maps onto shipped sources, self-contained types`, () => {
      const { files, tarball } = packed(name);
      expect(files).toContain('LICENSE');
      expect(files).toContain('README.md');
      expect(files.filter((file) => /tsbuildinfo/.test(file))).toEqual([]);
      expect(files.filter((file) => /\.test\.ts$/.test(file))).toEqual([]);
      const shipped = new Set(files);
      for (const map of files.filter((file) => file.endsWith('.map'))) {
        const { sources, sourceRoot = '' } = JSON.parse(readFromTarball(tarball, map)) as {
          sources: string[];
          sourceRoot?: string;
        };
        for (const source of sources) {
          const path = normalize(join(dirname(map), sourceRoot, source));
          // tsc -b never deletes what a removed source compiled to: a checkout's dist/ may hold such
          // leftovers (a fresh clone, and `npm publish`, which cleans first, do not).
          if (!existsSync(join(REPO_ROOT, PUBLISHED[name], path))) continue;
          expect(shipped.has(path), `${map} points at ${source}, which is not in the tarball`).toBe(true);
        }
      }
      for (const types of files.filter((file) => file.endsWith('.d.ts'))) {
        // Package-internal `imports` specifiers cannot be resolved by node10 and some bundlers.
        expect(readFromTarball(tarball, types), types).not.toMatch(/from '#/);
      }
    });

    it(`${name}: package.json says what registries, bundlers and Node need`, () => {
      const manifest = JSON.parse(readFromTarball(packed(name).tarball, 'package.json')) as Manifest;
      expect(manifest.private).toBeUndefined();
      expect(manifest.type).toBe('module');
      expect(manifest.license).toBe('BSD-3-Clause');
      expect(manifest.engines).toEqual({ node: '>=20.19' });
      expect(manifest.repository).toMatchObject({ type: 'git', directory: PUBLISHED[name] });
      expect(manifest.homepage).toMatch(/^https:\/\//);
      expect(manifest.keywords).toContain('nwb');
      expect(manifest.sideEffects).toBeDefined();
      if (name !== '@nwbjs/core') {
        // One copy of core per app: the backends and the CLI take the app's.
        expect(manifest.dependencies?.['@nwbjs/core']).toBeUndefined();
        expect(manifest.peerDependencies?.['@nwbjs/core']).toMatch(/^>=0\.1\.0 <1$/);
      }
    });
  }

  it('publint finds nothing to report', async () => {
    const publint = join(REPO_ROOT, 'node_modules/.bin/publint');
    for (const name of NAMES) {
      const result = await run(publint, ['run', packed(name).tarball, '--strict'], { cwd: packs.dir });
      expect(result.code, `${name}:\n${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout, name).not.toMatch(/Suggestions:|Warnings:|Errors:/);
    }
  });

  it('arethetypeswrong finds no problem for an ESM-only package', async () => {
    const attw = join(REPO_ROOT, 'node_modules/.bin/attw');
    for (const name of NAMES) {
      const result = await run(
        attw,
        [packed(name).tarball, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped'],
        {
          cwd: packs.dir,
        },
      );
      expect(result.code, `${name}:\n${result.stdout}${result.stderr}`).toBe(0);
    }
  });
});

describe('a fresh TypeScript project with the tarballs installed', () => {
  for (const config of ['nodenext', 'node10'] as const) {
    it(`type-checks the README examples and the packages' declarations with moduleResolution ${config}`, async () => {
      const result = await project.tsc(config);
      expect(ourErrors(result.stdout + result.stderr)).toEqual([]);
    });
  }

  it('runs the README examples that need only the packages, in Node', async () => {
    const build = await project.tsc('nodenext'); // compiles to build/examples (errors: the test above)
    expect(ourErrors(build.stdout)).toEqual([]);
    const runnable = examples.filter((example) => example.kind === 'node');
    expect(runnable.map((e) => e.file)).toEqual(
      expect.arrayContaining([
        'root-1.ts',
        'core-1.ts',
        'hdf5-1.ts',
        'hdf5-2.ts',
        'zarr-1.ts',
        'lindi-1.ts',
        'convert-1.ts',
      ]),
    );
    const dirs = new Map<string, string>();
    for (const example of runnable) {
      const cwd =
        example.after === undefined ? await mkdtemp(join(project.dir, 'run-')) : dirs.get(example.after)!;
      dirs.set(example.file, cwd);
      if (example.file.startsWith('convert-')) {
        await cp(join(FIXTURES, 'compressed_imageseries.nwb'), join(cwd, 'session.nwb'));
      }
      const script = join(project.dir, 'build/examples', example.file.replace(/\.ts$/, '.js'));
      const result = await runNode(script, [], cwd);
      expect(result.stderr, example.source).toBe('');
      expect(result.code, example.source).toBe(0);
      if (example.file === 'core-1.ts')
        expect(result.stdout).toMatch(/\[ 16, 12 \] 2018-04-25T02:30:03-07:00/);
      if (example.file === 'convert-1.ts') expect(result.stdout).toMatch(/no problems found/);
    }
  });

  it('has an nwb-convert executable that tells its version', async () => {
    const result = await run(join(project.dir, 'node_modules/.bin/nwb-convert'), ['--version'], {
      cwd: project.dir,
    });
    expect(result).toEqual({ code: 0, stdout: `${packed('nwb-convert').version}\n`, stderr: '' });
  });

  it('reads a Zarr frame over HTTP in headless Chromium, the same as Node reads it', async () => {
    const app = await buildPage(project.dir);
    const store = 'tutorial_images.nwb.zarr';
    const { frame, pageErrors } = await readFrameInChromium(app, FIXTURES, store, 'ImageSeries', 150);
    expect(pageErrors).toEqual([]);
    const io = new NWBZarrIO(join(FIXTURES, store));
    try {
      const data = ((await io.read()).acquisition.get('ImageSeries') as ImageSeries).data;
      if (!isDatasetHandle(data)) throw new Error('expected a handle');
      const expected = await data.read([150]);
      expect(frame.shape).toEqual(expected.shape);
      expect(frame.values).toEqual(Array.from(expected.data as ArrayLike<number>));
    } finally {
      await io.close();
    }
  });
});
