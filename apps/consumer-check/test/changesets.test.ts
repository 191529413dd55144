/**
 * What a release would write: `changeset version` on a throwaway copy of the repository (never on
 * the checkout) gives each published package a CHANGELOG.md with the pending changesets, one version
 * for the four (they are `fixed`), and peer ranges of core that the new core satisfies.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PUBLISHED, REPO_ROOT, type Manifest } from '../src/pack.js';
import { run } from '../src/run.js';

let copy = '';
beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'nwbjs-changesets-'));
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((path) => path !== '' && !path.startsWith('fixtures/'));
  for (const path of tracked) {
    await mkdir(dirname(join(copy, path)), { recursive: true });
    await cp(join(REPO_ROOT, path), join(copy, path)).catch(() => undefined); // deleted, not committed
  }
  await symlink(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
});
afterAll(() => rm(copy, { recursive: true, force: true }));

/** `>=0.1.0 <1` style ranges, the only kind the packages use. */
function satisfies(version: string, range: string): boolean {
  const parse = (v: string) => v.split('.').map(Number);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  return range.split(/\s+/).every((part) => {
    const [, op, bound] = /^(>=|<)(.+)$/.exec(part) ?? [];
    if (op === '>=') return compare(parse(version), parse(bound!)) >= 0;
    if (op === '<') return compare(parse(version), parse(bound!)) < 0;
    throw new Error(`unexpected range part ${part}`);
  });
}

it('writes a CHANGELOG.md per package, one version for the four, peer ranges that hold', async () => {
  const result = await run(join(copy, 'node_modules/.bin/changeset'), ['version'], { cwd: copy });
  expect(result.code, result.stdout + result.stderr).toBe(0);
  const manifests = await Promise.all(
    Object.values(PUBLISHED).map(
      async (folder) => JSON.parse(await readFile(join(copy, folder, 'package.json'), 'utf8')) as Manifest,
    ),
  );
  const versions = new Set(manifests.map((m) => m.version));
  expect(versions.size).toBe(1);
  const [version] = [...versions] as [string];
  expect(version).not.toBe('0.1.0');
  for (const [index, folder] of Object.values(PUBLISHED).entries()) {
    const changelog = await readFile(join(copy, folder, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(
      new RegExp(`^# ${manifests[index]!.name}\\n\\n## ${version.replace(/\./g, '\\.')}\\n`),
    );
    const peer = manifests[index]!.peerDependencies?.['@nwbjs/core'];
    if (peer !== undefined) expect(satisfies(version, peer), `${folder}: ${peer}`).toBe(true);
  }
  // The changesets were used up: nothing left but the config and its README.
  const left = execFileSync('ls', [join(copy, '.changeset')], { encoding: 'utf8' })
    .trim()
    .split('\n');
  expect(left.sort()).toEqual(['README.md', 'config.json']);
});
