/**
 * Streaming a series into a store keeps memory flat: a child process writes 200 MiB and another
 * 400 MiB (slabs of 10 MiB, NWBZarrIO's default Blosc compression) and their peak RSS (VmHWM)
 * must be about the same. Children run the package compiled into node_modules/.cache, since a
 * plain node process cannot load the TypeScript sources. The children must also exit on their own
 * (idle codec workers do not hold a process). Several GiB are the bench's stream case
 * (`npm run bench -- --only stream`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamWriteProbe } from '@nwbjs/core/testing';
import { repoRoot, runValidate } from './helpers.js';

const run = promisify(execFile);
const packageDir = path.join(repoRoot, 'packages/zarr');
const buildDir = path.join(packageDir, 'node_modules/.cache/nwbjs-memory-test');
let work = '';

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'nwbjs-zarr-memory-'));
  const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
  await run(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--outDir',
      buildDir,
      '--tsBuildInfoFile',
      path.join(buildDir, '.tsbuildinfo'),
      '--composite',
      'false',
      '--declaration',
      'false',
      '--declarationMap',
      'false',
      '--sourceMap',
      'false',
      '--incremental',
      'true',
    ],
    { cwd: packageDir },
  );
  // The build's `#platform/...` imports need the package's `imports` map, pointed at this build.
  const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as {
    imports: unknown;
  };
  const imports = JSON.parse(JSON.stringify(manifest.imports).replaceAll('./dist/', './')) as unknown;
  await writeFile(path.join(buildDir, 'package.json'), JSON.stringify({ type: 'module', imports }));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The child: streams `mib` MiB of 512x512 uint8 frames into a new file, prints VmHWM in MiB. */
const CHILD = streamWriteProbe('NWBZarrIO', { chunks: [1, 512, 512] });

async function peakMiB(mib: number, validate = false): Promise<number> {
  const entry = pathToFileURL(path.join(buildDir, 'index.js')).href;
  const out = path.join(work, `${mib}.nwb.zarr`);
  // The children compress on the codec worker pool; a child that did not exit on its own (a worker
  // keeping the process alive) would hit the timeout.
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', CHILD, entry, String(mib), out],
    { cwd: packageDir, timeout: 50_000 },
  );
  if (validate) {
    const check = await runValidate(['check', out]);
    expect(check.code, check.out).toBe(0);
  }
  await rm(out, { recursive: true, force: true });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { hwm: number }).hwm;
}

describe.runIf(process.platform === 'linux')('memory', () => {
  it('peak RSS does not grow with the size of a streamed series (200 vs 400 MiB)', async () => {
    const small = await peakMiB(200, true);
    const large = await peakMiB(400);
    // Keeping the data would add 200 MiB; allow for GC timing only.
    expect(large - small, `VmHWM ${small.toFixed(0)} MiB vs ${large.toFixed(0)} MiB`).toBeLessThan(64);
    expect(large).toBeLessThan(400);
  });
});
