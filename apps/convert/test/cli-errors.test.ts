/**
 * --help on every command, and every error path: one line on stderr (`nwb-convert: ...`), exit
 * status 2 for a command line refused before any file is read and 1 for a file that cannot be
 * used, and a stack trace only with --debug.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, nwbValidate, runCli, tempDir } from './helpers.js';

const temp = await tempDir('nwb-convert-errors-');
afterAll(() => temp.cleanup());
const nwb = join(FIXTURES, 'static_images.nwb');
const zarr = join(FIXTURES, 'static_images.nwb.zarr');
const out = (name: string) => join(temp.dir, name);
const textFile = out('notes.txt');
await writeFile(textFile, 'not an NWB file\n');
await mkdir(out('empty-dir'));
await mkdir(out('existing.nwb.zarr'));

describe('--help', () => {
  for (const [argv, first] of [
    [['--help'], 'Usage: nwb-convert INPUT OUTPUT [options]'],
    [['-h'], 'Usage: nwb-convert INPUT OUTPUT [options]'],
    [['in.nwb', 'out.nwb.zarr', '--help'], 'Usage: nwb-convert INPUT OUTPUT [options]'],
    [['inspect', '--help'], 'Usage: nwb-convert inspect FILE [--json]'],
    [['validate', '--help'], 'Usage: nwb-convert validate FILE [--json]'],
    [['help'], 'Usage: nwb-convert INPUT OUTPUT [options]'],
    [['help', 'inspect'], 'Usage: nwb-convert inspect FILE [--json]'],
    [['help', 'validate'], 'Usage: nwb-convert validate FILE [--json]'],
  ] as const) {
    it(`nwb-convert ${argv.join(' ')} prints the usage and exits 0`, async () => {
      const result = await runCli([...argv]);
      expect(result.code).toBe(0);
      expect(result.err).toBe('');
      expect(result.out.split('\n')[0]).toBe(first);
      expect(result.out).toMatch(/Options:\n/);
    });
  }
});

describe('--version', () => {
  for (const argv of [['--version'], ['inspect', '--version'], ['validate', '--version']]) {
    it(`nwb-convert ${argv.join(' ')} prints the package's version and exits 0`, async () => {
      const manifest = JSON.parse(await readFile(join(import.meta.dirname, '../package.json'), 'utf8')) as {
        version: string;
      };
      expect(await runCli(argv)).toEqual({ code: 0, out: `${manifest.version}\n`, err: '' });
    });
  }
});

/** [what, argv, exit status, message after `nwb-convert: `]. */
const errors: [string, string[], number, RegExp][] = [
  ['an unknown option', [nwb, out('a.nwb.zarr'), '--fast'], 2, /^unknown option --fast \(see --help\)$/],
  ['an unknown option of inspect', ['inspect', nwb, '--tree'], 2, /^unknown option --tree \(see --help\)$/],
  ['an option without its value', [nwb, out('a.nwb.zarr'), '--to'], 2, /--to/],
  ['no arguments', [], 2, /^expected INPUT and OUTPUT \(see --help\)$/],
  ['no output', [nwb], 2, /^expected INPUT and OUTPUT/],
  ['three positionals', [nwb, out('a.nwb'), out('b.nwb')], 2, /^expected INPUT and OUTPUT/],
  ['inspect without a file', ['inspect'], 2, /^inspect: expected one FILE/],
  ['validate with two files', ['validate', nwb, zarr], 2, /^validate: expected one FILE/],
  [
    'a bad --compression',
    [nwb, out('a.nwb.zarr'), '--compression', 'lzma'],
    2,
    /^--compression: expected gzip\[:LEVEL\].*got 'lzma'$/,
  ],
  [
    'a gzip level above 9',
    [nwb, out('a.nwb.zarr'), '--compression', 'gzip:12'],
    2,
    /^--compression: gzip levels are 0-9$/,
  ],
  [
    'a bad --chunks',
    [nwb, out('a.nwb.zarr'), '--chunks', '1,0,5'],
    2,
    /^--chunks: expected positive integers.*got '1,0,5'$/,
  ],
  [
    '--chunks of a rank image data cannot have',
    [nwb, out('a.nwb.zarr'), '--chunks', '1,2'],
    2,
    /^--chunks: image data has 3 or 4 dimensions, so give 3 or 4 sizes; got 2 in '1,2'$/,
  ],
  [
    '--chunks that fit no dataset of the file',
    [join(FIXTURES, 'compressed_imageseries.nwb'), out('rank.nwb.zarr'), '--chunks', '1,8,8,3'],
    2,
    /^--chunks 1,8,8,3: no 4-D image data to re-chunk \(found \/acquisition\/CompressedSeries\/data \(3-D\)\)$/,
  ],
  [
    '--chunks on a file without image data',
    [nwb, out('none.nwb.zarr'), '--chunks', '1,8,8'],
    2,
    /^--chunks 1,8,8: no 3-D image data to re-chunk \(the file has no 3-D or 4-D data\)$/,
  ],
  [
    'help of an unknown command',
    ['help', 'convert'],
    2,
    /^help: expected nothing, inspect or validate, got 'convert'$/,
  ],
  ['a bad --timeout', ['inspect', nwb, '--timeout', 'soon'], 2, /^--timeout: expected a number of seconds/],
  ['a non-numeric --chunks', [nwb, out('a.nwb.zarr'), '--chunks', 'big'], 2, /^--chunks: .*got 'big'$/],
  ['a bad --to', [nwb, out('a.nwb'), '--to', 'n5'], 2, /^--to: expected hdf5 or lindi or zarr, got 'n5'$/],
  [
    'an unknown output extension',
    [nwb, out('a.mat')],
    2,
    /cannot tell the output format from its name; end it in \.nwb or \.zarr, or pass --to$/,
  ],
  ['the same input and output', [nwb, nwb], 2, /input and output are the same; write to a new path$/],
  [
    'an existing output',
    [nwb, out('existing.nwb.zarr')],
    2,
    /output exists; pass --overwrite to replace it$/,
  ],
  [
    'a missing output directory',
    [nwb, out('no/such/dir/a.nwb.zarr')],
    2,
    /the output's directory .* does not exist$/,
  ],
  ['a missing input', [out('missing.nwb'), out('a.nwb.zarr')], 1, /missing\.nwb: no such file or directory$/],
  [
    'a missing file to inspect',
    ['inspect', out('missing.nwb.zarr')],
    1,
    /missing\.nwb\.zarr: no such file or directory$/,
  ],
  [
    'a text file',
    [textFile, out('a.nwb.zarr')],
    1,
    /notes\.txt: not an NWB file: neither HDF5, a LINDI file, nor a Zarr directory$/,
  ],
  ['a text file to validate', ['validate', textFile], 1, /notes\.txt: not an NWB file/],
  [
    'a directory that is not a Zarr store',
    ['inspect', out('empty-dir')],
    1,
    /empty-dir: not an NWB file: a directory without \.zgroup or zarr\.json, so not a Zarr store$/,
  ],
];

describe('errors', () => {
  for (const [what, argv, code, message] of errors) {
    it(`${what}: one line on stderr, exit ${code}`, async () => {
      const result = await runCli(argv);
      expect(result.code).toBe(code);
      expect(result.out).toBe('');
      const lines = result.err.split('\n');
      expect(lines, result.err).toHaveLength(2);
      expect(lines[1]).toBe('');
      expect(lines[0]).toMatch(/^nwb-convert: /);
      expect(lines[0]!.slice('nwb-convert: '.length)).toMatch(message);
    });
  }

  it('a refused --chunks writes nothing', async () => {
    await runCli([
      join(FIXTURES, 'compressed_imageseries.nwb'),
      out('refused.nwb.zarr'),
      '--chunks',
      '1,8,8,3',
    ]);
    expect(await readdir(temp.dir)).not.toContain('refused.nwb.zarr');
    expect((await readdir(temp.dir)).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('a valid HDF5 or Zarr store that is not NWB is refused by every command', async () => {
    // An NWB file's tree without its root attributes is plain HDF5 to any reader.
    const { openHdf5 } = await import('@nwbjs/hdf5');
    const plain = out('plain.h5');
    const writer = await openHdf5(plain, 'w-');
    await writer.createGroup('/data');
    await writer.close();
    // nwb-validate refuses it too.
    expect((await nwbValidate('check', plain)).code).not.toBe(0);
    for (const argv of [
      [plain, out('plain.nwb.zarr')],
      ['inspect', plain],
      ['validate', plain],
    ]) {
      const result = await runCli(argv);
      expect(result.code).toBe(1);
      expect(result.err).toBe(
        `nwb-convert: ${plain}: not an NWB file: the root group of this hdf5 file has neither an nwb_version attribute nor neurodata_type NWBFile\n`,
      );
    }
  });

  it('--debug adds the stack trace', async () => {
    const plain = await runCli([out('missing.nwb'), out('b.nwb.zarr')]);
    expect(plain.err).not.toMatch(/\n\s+at /);
    const debug = await runCli([out('missing.nwb'), out('b.nwb.zarr'), '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.err.split('\n')[0]).toBe(plain.err.trimEnd());
    expect(debug.err).toMatch(/\n\s+at /);
  });
});
