/**
 * The installed executable: `npm ci` links `nwb-convert` into the root node_modules/.bin, and
 * `npx nwb-convert` from the repository root runs the built CLI.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT } from './helpers.js';

const run = promisify(execFile);
const bin = join(REPO_ROOT, 'node_modules/.bin/nwb-convert');

it('runs from node_modules/.bin with its exit status', async () => {
  const help = await run(bin, ['--help'], { cwd: REPO_ROOT });
  expect(help.stdout).toMatch(/^Usage: nwb-convert INPUT OUTPUT/);
  const inspect = await run(bin, ['inspect', join(FIXTURES, 'static_images.nwb')], { cwd: REPO_ROOT });
  expect(inspect.stdout).toMatch(/<NWBFile>/);
  const failed = await run(bin, ['inspect', join(FIXTURES, 'no-such.nwb')]).catch(
    (error: { code: number; stderr: string }) => error,
  );
  expect('code' in failed && failed.code).toBe(1);
  expect((failed as { stderr: string }).stderr).toMatch(/^nwb-convert: .*no-such\.nwb/);
});
