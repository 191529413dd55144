/**
 * Every file of the real-world folder (`../shared/fixtures/realworld`, NWB files written by PyNWB
 * 1.0-2.6, MatNWB, NWB Explorer, hdmf-zarr, ...), each its own case, found by listing the folder, so
 * files added there are covered without touching this test. `NWB_REALWORLD` points it elsewhere.
 *
 * For a file nwb-validate reads as NWB: `inspect` reads it; the CLI converts it to the other format
 * and back; `nwb-validate diff` finds nothing between the original and the result; and where the
 * original passes `nwb-validate check`, both outputs do too. The same file also goes through Zarr
 * format 3 and back to its own format, with nothing lost that no warning names. `validate` judges the file as HDMF's
 * validator does: no schema finding where nwb-validate finds none, and some where it finds schema
 * errors. A file that is not NWB 2 (nwb-validate
 * says so too: the NWB 1.x file, the empty HDF5 file) gets one line saying why, from every command.
 *
 * The files are copied into a temporary directory first, so external_file paths (relative to the
 * file) stay as they are. Files known to fall short are listed, with why, in `realworld-known.ts`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { WriteWarning } from '@nwbjs/core';
import { convert } from '../src/convert.js';
import { KNOWN_SHORTFALLS } from './realworld-known.js';
import { REPO_ROOT, nwbValidate, runCli, tempDir } from './helpers.js';

const FOLDER = process.env['NWB_REALWORLD'] ?? resolve(REPO_ROOT, '../shared/fixtures/realworld');

/** NWB files under `dir`: `.nwb` files and `.zarr` directories (not looked into). */
function findFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const isDir = statSync(path).isDirectory();
    if (name.endsWith('.zarr') && isDir) found.push(path);
    else if (isDir) found.push(...findFiles(path));
    else if (name.endsWith('.nwb')) found.push(path);
  }
  return found;
}

const files = existsSync(FOLDER) ? findFiles(FOLDER).map((path) => relative(FOLDER, path)) : [];
const temp = await tempDir('nwb-convert-realworld-');
afterAll(() => temp.cleanup());

/** What went wrong with one file, in one line each; empty when it meets the bar. */
async function problemsOf(file: string): Promise<string[]> {
  const dir = join(temp.dir, file.replace(/[/\\]/g, '__'));
  const name = basename(file);
  const source = join(dir, name);
  await cp(join(FOLDER, file), source, { recursive: true });
  const zarr = name.endsWith('.zarr');
  const middle = join(dir, zarr ? name.replace(/\.nwb\.zarr$|\.zarr$/, '.nwb') : `${name}.zarr`);
  const back = join(dir, zarr ? `back.${name}` : `back.${name}`);

  const originalCheck = await nwbValidate('check', source);
  if (originalCheck.code === 2) return refusalProblems(source, originalCheck.out);

  // Through Zarr format 3, alongside the rest.
  const throughV3 = zarrV3Problems(source, originalCheck.code === 0);
  const problems: string[] = [];
  problems.push(...(await schemaAgreement(source, originalCheck.code, originalCheck.out)));
  const inspected = await runCli(['inspect', source]);
  if (inspected.code !== 0) problems.push(`inspect: ${firstLine(inspected.err)}`);
  let leftOut = false;
  for (const [from, to] of [
    [source, middle],
    [middle, back],
  ] as const) {
    const converted = await runCli([from, to, '--quiet']);
    if (converted.code !== 0) {
      problems.push(`convert ${basename(from)}: ${firstLine(converted.err)}`);
      return [...problems, ...(await throughV3)];
    }
    leftOut ||= /left out/.test(converted.err);
  }
  const diff = await nwbValidate('diff', source, back);
  if (diff.code !== 0) problems.push(...diffLines(diff.out).map((line) => `diff: ${line}`));
  if (leftOut && !zarr) {
    // What the other format cannot hold (region references in Zarr) must survive within HDF5.
    const repacked = join(dir, `repacked.${name}`);
    const converted = await runCli([source, repacked, '--quiet']);
    const repackDiff = converted.code === 0 ? await nwbValidate('diff', source, repacked) : undefined;
    if (converted.code !== 0) problems.push(`HDF5 repack: ${firstLine(converted.err)}`);
    else if (repackDiff!.code !== 0)
      problems.push(...diffLines(repackDiff!.out).map((l) => `HDF5 repack diff: ${l}`));
  }
  if (originalCheck.code === 0) {
    for (const output of [middle, back]) {
      const check = await nwbValidate('check', output);
      if (check.code !== 0) problems.push(`check ${basename(output)}: ${firstLine(check.out)}`);
    }
  }
  return [...problems, ...(await throughV3)];
}

/** Warnings that say what Zarr format 3 cannot carry as the original had it, and where. */
const V3_LOSSES: ReadonlySet<WriteWarning['code']> = new Set(['dataset-skipped', 'text-kind-lost']);

/**
 * The file through hdmf-zarr 0.14's Zarr format 3 and back to its own format (HDF5 -> v3 -> HDF5,
 * v2 -> v3 -> v2): nwb-validate finds no difference to the original but in datasets a warning of
 * the conversions names as something v3 cannot carry, and the result passes `check` where the
 * original does. nwb-validate does not read v3, so the v3 store is judged by what comes out of it.
 */
async function zarrV3Problems(source: string, originalPasses: boolean): Promise<string[]> {
  const zarr = source.endsWith('.zarr');
  const v3 = `${source}.v3.nwb.zarr`;
  const back = zarr ? `${source}.v3back.nwb.zarr` : `${source}.v3back.nwb`;
  const warned: string[] = [];
  for (const [from, to, options] of [
    [source, v3, { zarrFormat: 3 }],
    [v3, back, {}],
  ] as const) {
    try {
      const summary = await convert(from, to, options);
      for (const warning of summary.warnings) if (V3_LOSSES.has(warning.code)) warned.push(warning.path);
    } catch (error) {
      return [`v3: convert ${basename(from)}: ${firstLine((error as Error).message)}`];
    }
  }
  const problems: string[] = [];
  const diff = await nwbValidate('diff', source, back);
  for (const line of diff.code === 0 ? [] : diffLines(diff.out)) {
    const path = line.slice(0, line.indexOf(': '));
    if (!warned.some((w) => path === w || path.startsWith(`${w}/`))) problems.push(`v3 diff: ${line}`);
  }
  if (originalPasses) {
    const check = await nwbValidate('check', back);
    if (check.code !== 0) problems.push(`v3 check ${basename(back)}: ${firstLine(check.out)}`);
  }
  return problems;
}

/** Where `validate`'s schema findings and nwb-validate's (HDMF's) disagree about a file. */
async function schemaAgreement(source: string, checkCode: number, checkOut: string): Promise<string[]> {
  const ours = await runCli(['validate', source]);
  const findings = ours.out.split('\n').filter((line) => /\[schema-(?!namespace)[a-z-]+\]$/.test(line));
  // nwb-validate's schema errors, leaving out its note that a file caches no specification.
  const theirs = checkOut
    .split('\n')
    .filter((line) => /^\[schema\] /.test(line) && !/no cached spec/.test(line));
  if (checkCode === 0 && findings.length > 0)
    return findings.map((f) => `validate, where nwb-validate finds nothing: ${f.trim()}`);
  if (theirs.length > 0 && findings.length === 0)
    return [`validate finds nothing, nwb-validate: ${theirs[0]}`];
  return [];
}

/** A file that is not NWB 2: every command says why in one line, and none crashes. */
async function refusalProblems(source: string, validatorSays: string): Promise<string[]> {
  if (!/not an NWB file/.test(validatorSays))
    return [`nwb-validate cannot read it: ${firstLine(validatorSays)}`];
  const problems: string[] = [];
  for (const argv of [
    ['inspect', source],
    ['validate', source],
    [source, `${source}.zarr`, '--quiet'],
  ]) {
    const result = await runCli(argv);
    const lines = result.err.trim().split('\n');
    if (result.code !== 1 || lines.length !== 1 || !lines[0]!.startsWith('nwb-convert: ')) {
      problems.push(`${argv[0]}: expected one line saying why and exit 1, got ${result.code}: ${result.err}`);
    }
  }
  return problems;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

function diffLines(out: string): string[] {
  // The summary line ("N difference(s) between A=... and B=...") goes to stderr, after the details.
  const lines = out.trim().split('\n');
  return lines.filter((line) => !/^\d+ difference\(s\) between /.test(line)).slice(0, 20);
}

describe.concurrent('the real-world folder, file by file', () => {
  it('finds the folder and its files', ({ expect }) => {
    expect(files.length, `no NWB files under ${FOLDER}`).toBeGreaterThan(0);
    for (const listed of Object.keys(KNOWN_SHORTFALLS))
      expect(files, 'a listed file is missing').toContain(listed);
  });

  for (const file of files) {
    it(file, { timeout: 600_000 }, async ({ expect }) => {
      const problems = await problemsOf(file);
      const known = KNOWN_SHORTFALLS[file];
      if (known === undefined) {
        expect(problems, file).toEqual([]);
        return;
      }
      expect(problems.length, `${file} now meets the bar: take it off realworld-known.ts`).toBeGreaterThan(0);
      for (const problem of problems) expect(problem, `${file}: ${known.reason}`).toMatch(known.problems);
    });
  }
});
