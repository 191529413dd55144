/**
 * The repository README's "Write and read an image series" example, run as it is written: the code
 * block is taken from README.md, so the page cannot drift from what works. Its two outputs are
 * checked by the independent validator and compared with each other.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const validator = process.env['NWB_VALIDATE'] ?? path.resolve(repoRoot, '../shared/tools/nwb-validate');

function exampleCode(readme: string, heading: string): string {
  const section = readme.slice(readme.indexOf(heading));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error(`README: no ts block after '${heading}'`);
  return match[1]!;
}

const cleanup: string[] = [];
afterAll(async () => {
  await Promise.all(cleanup.map((p) => rm(p, { recursive: true, force: true })));
});

test('the README example writes files that validate and match across formats', async () => {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const code = exampleCode(readme, '## Write and read an image series');
  // The module sits beside this test so that '@nwbjs/*' resolve as they do for a user.
  const modulePath = path.join(here, `.readme-example-${process.pid}.ts`);
  const work = await mkdtemp(path.join(tmpdir(), 'nwbjs-readme-'));
  cleanup.push(modulePath, work);
  await writeFile(modulePath, code);
  const cwd = process.cwd();
  const log: unknown[][] = [];
  const originalLog = console.log;
  console.log = (...args: unknown[]) => void log.push(args);
  try {
    process.chdir(work);
    await import(/* @vite-ignore */ modulePath);
  } finally {
    process.chdir(cwd);
    console.log = originalLog;
  }
  expect(log).toEqual([[[48, 64]]]);

  const hdf5 = path.join(work, 'movie.nwb');
  const zarr = path.join(work, 'movie.nwb.zarr');
  await run(validator, ['check', hdf5]);
  await run(validator, ['check', zarr]);
  // Exits 1 (and rejects) on any difference; the files share their object ids, so no --ignore-ids.
  const diff = await run(validator, ['diff', hdf5, zarr]);
  expect(diff.stdout.trim()).toMatch(/^no differences$/i);
}, 60_000);
