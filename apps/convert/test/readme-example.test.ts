/**
 * The "As a library" example of apps/convert/README.md, run as written (taken from the README, so
 * the page cannot drift), in a directory holding a copy of a fixture as session.nwb. Its output is
 * checked and diffed by nwb-validate.
 */
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';
import { FIXTURES, checkAll, nwbValidate, tempDir } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const temp = await tempDir('nwb-convert-readme-');
// Written next to the tests so that 'nwb-convert' resolves as in the other tests; gitignored.
const modulePath = path.join(here, `.readme-example-convert-${process.pid}.ts`);
afterAll(async () => {
  await Promise.all([temp.cleanup(), rm(modulePath, { force: true })]);
});

it('runs the library example of the README', async () => {
  const readme = await readFile(path.join(here, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## As a library'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  await writeFile(modulePath, `${code!}\nexport {};\n`);
  await copyFile(path.join(FIXTURES, 'compressed_imageseries.nwb'), path.join(temp.dir, 'session.nwb'));

  const logged: unknown[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args));
  const cwd = process.cwd();
  try {
    process.chdir(temp.dir);
    await import(/* @vite-ignore */ modulePath);
  } finally {
    process.chdir(cwd);
    log.mockRestore();
  }
  expect(logged).toContainEqual([expect.stringMatching(/no problems found$/)]);
  expect(logged).toContainEqual([['/acquisition/CompressedSeries']]);

  const output = path.join(temp.dir, 'session.nwb.zarr');
  const [[check], diff] = await Promise.all([
    checkAll([output]),
    nwbValidate('diff', path.join(temp.dir, 'session.nwb'), output),
  ]);
  expect(check!.out).toMatch(/^OK/);
  expect(diff.out.trim(), diff.out).toBe('no differences');
});
