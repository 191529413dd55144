/**
 * The hostile and broken files corpus (issue 15): each case builds its input in a fresh directory
 * at test time, from the reference fixtures, our own writer and h5wasm, then says how the CLI and
 * the library must end. Layout of a case's directory:
 *
 * - `src/`: the input and the files next to it (external files);
 * - `out/`: where the output goes, already holding a file of the user's (`notes.txt`);
 * - `victim/`: files outside both, which nothing may read into an output or change.
 *
 * A case never needs anything but Node and the repository: HDF5 inputs are made with h5wasm.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readTree, writeTree, type GroupNode, type NdArray, type TreeNode } from '@nwbjs/core';
import { openHdf5 } from '@nwbjs/hdf5';
import { openZarr } from '@nwbjs/zarr';
import h5wasm from 'h5wasm/node';
import type { Dataset as H5Dataset, File as H5File, Group as H5Group } from 'h5wasm';
import { FIXTURES } from '../helpers.js';

/** What a case's run must end in. */
export interface Expectation {
  /** The CLI's exit status. */
  code: number;
  /** The one line on stderr (after `nwb-convert: ` for an error, or a `warning: ` line). */
  message?: RegExp;
}

/** A built case: how to run it, and what may change in its directory. */
export interface BuiltCase {
  /** The CLI's arguments (convert, inspect or validate). */
  argv: string[];
  /** The same run through the library API; rejects as the CLI fails. */
  api: () => Promise<unknown>;
  /** Paths (relative to the case's directory) that the run may create. */
  mayCreate: string[];
  /** Checks of the output after a successful run. */
  check?: () => Promise<void>;
  /** Stops what the case started (a server). */
  cleanup?: () => Promise<void>;
}

/** One case of the corpus. */
export interface HostileCase {
  /** A short name, for the test's title. */
  name: string;
  /** Builds the case in `dir` (which holds empty `src/`, `out/` and `victim/`). */
  build: (dir: string) => Promise<BuiltCase>;
  /** What the CLI must end in. */
  expect: Expectation;
  /** How long the CLI and the library may each take, in milliseconds (default 20 s). */
  timeLimit?: number;
}

/** The user's file in `out/`, which no run may change. */
export const USER_NOTES = 'out/notes.txt';
/** A file outside the input's folder, which no run may copy or read into an output. */
export const SECRET = 'victim/secret.txt';
/** What the secret holds: recognisable if it turns up in an output. */
export const SECRET_TEXT = 'SECRET-SECRET-SECRET-SECRET-SECRET-SECRET\n';

/** Creates the case directory's skeleton and the user's and victim's files. */
export async function skeleton(dir: string): Promise<void> {
  await Promise.all(['src', 'out', 'victim'].map((d) => mkdir(join(dir, d), { recursive: true })));
  await writeFile(join(dir, USER_NOTES), "the user's own notes\n");
  await writeFile(join(dir, SECRET), SECRET_TEXT);
  await writeFile(join(dir, 'victim/shadow'), 'root:$6$hash:19000:0:99999:7:::\n');
}

/** Copies a fixture into `src/`. */
async function fixture(dir: string, name: string, as = name): Promise<string> {
  const to = join(dir, 'src', as);
  await cp(join(FIXTURES, name), to, { recursive: true });
  return to;
}

/** Reads a fixture's tree, lets `change` edit it, and writes it to `src/NAME` (Zarr or HDF5). */
async function rewritten(
  dir: string,
  fixtureName: string,
  as: string,
  change: (tree: GroupNode) => void | Promise<void>,
): Promise<string> {
  const from = join(FIXTURES, fixtureName);
  const reader = fixtureName.endsWith('.zarr') ? await openZarr(from, 'r') : await openHdf5(from, 'r');
  const to = join(dir, 'src', as);
  try {
    const tree = await readTree(reader);
    await change(tree);
    const writer = as.endsWith('.zarr') ? await openZarr(to, 'w-') : await openHdf5(to, 'w-');
    try {
      await writeTree(writer, tree);
      await writer.close();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  } finally {
    await reader.close();
  }
  return to;
}

/** The node at `path` of a tree (groups only on the way). */
export function nodeAt(tree: GroupNode, path: string): TreeNode {
  let node: TreeNode = tree;
  for (const name of path.split('/').filter(Boolean)) {
    if (node.kind !== 'group') throw new Error(`${path}: ${name} is under a non-group`);
    const next = node.children.get(name);
    if (next === undefined) throw new Error(`${path}: no ${name}`);
    node = next;
  }
  return node;
}

/** Sets the external_file paths of tutorial_images' ImageSeries. */
function withExternalFiles(paths: string[]): (tree: GroupNode) => void {
  return (tree) => {
    const node = nodeAt(tree, '/acquisition/ExternalFiles/external_file');
    if (node.kind !== 'dataset') throw new Error('external_file is not a dataset');
    node.value = { dtype: 'utf8', shape: [paths.length], data: paths } satisfies NdArray;
  };
}

/** The library's conversion, as the CLI calls it. */
async function libConvert(input: string, output: string, options: object = {}): Promise<unknown> {
  const { convert } = await import('../../src/convert.js');
  return convert(input, output, options);
}

const EXTERNAL = '/acquisition/ExternalFiles/external_file';

/** Copies the fixture's three TIFFs into `src/image/`. */
async function images(dir: string): Promise<void> {
  await cp(join(FIXTURES, 'image'), join(dir, 'src/image'), { recursive: true });
}

/** A `--copy-external` case whose external_file holds `paths`; `extra` adds files to `src/`. */
function copyExternalCase(
  name: string,
  paths: string[],
  message: RegExp,
  extra: (dir: string) => Promise<void> = async () => undefined,
): HostileCase {
  return {
    name,
    expect: { code: 1, message },
    build: async (dir) => {
      await images(dir);
      await extra(dir);
      const input = await rewritten(dir, 'tutorial_images.nwb', 'in.nwb', withExternalFiles(paths));
      const output = join(dir, 'out/out.nwb.zarr');
      return {
        argv: [input, output, '--copy-external'],
        api: () => libConvert(input, output, { copyExternal: true }),
        mayCreate: [],
      };
    },
  };
}

/** Names that are properties of every plain object. */
export const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;

/** Asserts that `attrs` has each of PROTO_NAMES as an own attribute with the text `value-NAME`. */
async function expectProtoAttributes(file: string, paths: string[]): Promise<void> {
  const reader = file.endsWith('.zarr') ? await openZarr(file, 'r') : await openHdf5(file, 'r');
  try {
    for (const path of paths) {
      const attrs = await reader.readAttributes(path);
      for (const name of PROTO_NAMES) {
        if (!Object.prototype.hasOwnProperty.call(attrs, name))
          throw new Error(`${file}:${path} lost attribute ${name}`);
        const value = attrs[name] as NdArray;
        if (value.dtype !== 'utf8' || (value.data as string[])[0] !== `value-${name}`)
          throw new Error(`${file}:${path} attribute ${name} is ${JSON.stringify(value)}`);
      }
      if (path === '/') {
        const children = await reader.list('/analysis');
        for (const name of PROTO_NAMES)
          if (!children.includes(name)) throw new Error(`${file}: /analysis lost child ${name}`);
      }
    }
  } finally {
    await reader.close();
  }
}

/** Adds the PROTO_NAMES attributes and child groups to a Zarr store by editing its JSON files. */
async function protoNamesZarr(store: string): Promise<void> {
  const addAttrs = async (rel: string): Promise<void> => {
    const file = join(store, rel, '.zattrs');
    const text = (await readFile(file, 'utf8')).trim().replace(/\}$/, '');
    const extra = PROTO_NAMES.map((n) => `${JSON.stringify(n)}: ${JSON.stringify(`value-${n}`)}`);
    await writeFile(file, `${text}, ${extra.join(', ')}}`);
  };
  await addAttrs('.');
  await addAttrs('session_description');
  for (const name of PROTO_NAMES) {
    await mkdir(join(store, 'analysis', name));
    await writeFile(join(store, 'analysis', name, '.zgroup'), '{"zarr_format": 2}');
    await writeFile(join(store, 'analysis', name, '.zattrs'), '{}');
  }
  // The store is read by listing; a stale consolidated index would hide the new names.
  await rm(join(store, '.zmetadata'));
}

/** Adds the PROTO_NAMES attributes and child groups to an HDF5 file with h5wasm. */
async function protoNamesHdf5(file: string): Promise<void> {
  await withH5(file, (f) => {
    for (const path of ['/', '/session_description']) {
      const object = f.get(path) as H5Group | H5Dataset;
      for (const name of PROTO_NAMES) object.create_attribute(name, `value-${name}`);
    }
    const analysis = f.get('/analysis') as H5Group;
    for (const name of PROTO_NAMES) analysis.create_group(name);
  });
}

/** Opens an HDF5 file with h5wasm (its Node build reads the file system directly), for editing. */
async function withH5(file: string, edit: (f: H5File) => void): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'a');
  try {
    edit(f);
  } finally {
    f.close();
  }
}

/**
 * Runs a Python script with h5py (Debian's python3-h5py, which scripts/install-interop-deps.sh
 * installs) on `file`: h5wasm names groups by full path, which makes deep trees slow to build.
 */
function h5py(file: string, script: string): Promise<void> {
  const program = `import h5py, sys\nf = h5py.File(sys.argv[1], 'a')\n${script}\nf.close()\n`;
  return new Promise((done, fail) => {
    execFile('/usr/bin/python3', ['-Es', '-c', program, file], { timeout: 120_000 }, (error, _out, err) => {
      if (error) fail(new Error(`h5py (run scripts/install-interop-deps.sh): ${err || error.message}`));
      else done();
    });
  });
}

/** A case on a copy of static_images.nwb changed by an h5py script; `run` builds the argv. */
function hdf5Case(
  name: string,
  script: string,
  command: 'convert' | 'inspect' | 'validate',
  expect: Expectation,
  more: { timeLimit?: number; output?: string; check?: (output: string) => Promise<void> } = {},
): HostileCase {
  const output = more.output ?? 'out/out.nwb.zarr';
  return {
    name,
    expect,
    ...(more.timeLimit === undefined ? {} : { timeLimit: more.timeLimit }),
    build: async (dir) => {
      const input = await fixture(dir, 'static_images.nwb', 'in.nwb');
      await h5py(input, script);
      const built = commandCase(dir, input, command, output);
      const check = more.check;
      return check === undefined ? built : { ...built, check: () => check(join(dir, output)) };
    },
  };
}

/** Asserts that the cycles of CYCLE were written as soft links to where each group was first seen. */
async function expectCycleLinks(output: string): Promise<void> {
  const reader = await openZarr(output, 'r');
  try {
    for (const [path, target] of [
      ['/analysis/loop/self', '/analysis/loop'],
      ['/analysis/back', '/'],
    ] as const) {
      const info = await reader.stat(path);
      if (info?.kind !== 'link' || info.target !== target)
        throw new Error(`${path} is ${JSON.stringify(info)}, not a link to ${target}`);
    }
  } finally {
    await reader.close();
  }
}

/** How to run `command` on `input` (a conversion writes `output`, relative to the case's directory). */
function commandCase(
  dir: string,
  input: string,
  command: 'convert' | 'inspect' | 'validate',
  output: string,
): BuiltCase {
  if (command === 'convert') {
    const out = join(dir, output);
    return {
      argv: [input, out, '--quiet'],
      api: async () => {
        await rm(out, { recursive: true, force: true });
        return libConvert(input, out);
      },
      mayCreate: [output],
    };
  }
  return {
    argv: [command, input],
    api: async () => {
      const lib = await import('../../src/index.js');
      return command === 'inspect' ? lib.inspect(input) : lib.validate(input);
    },
    mayCreate: [],
  };
}

/** An h5py script adding an ImageSeries at /acquisition/NAME whose data is made by `data` (as `d`). */
function imageSeries(name: string, data: string): string {
  return [
    'import uuid',
    `g = f['acquisition'].create_group('${name}')`,
    "for k, v in {'neurodata_type': 'ImageSeries', 'namespace': 'core', 'object_id': str(uuid.uuid4()), 'description': 'hostile', 'comments': 'no comments'}.items(): g.attrs[k] = v",
    `d = ${data}`,
    "for k, v in {'unit': 'n/a', 'conversion': 1.0, 'resolution': -1.0, 'offset': 0.0}.items(): d.attrs[k] = v",
    "t = g.create_dataset('starting_time', data=0.0)",
    "t.attrs['rate'] = 30.0",
    "t.attrs['unit'] = 'seconds'",
  ].join('\n');
}

/** 1e6 frames of 1000 x 1000 uint16 (2 TB), gzip, one frame a chunk, no chunk written. */
const UNWRITTEN_BOMB = imageSeries(
  'bomb',
  "g.create_dataset('data', shape=(1000000, 1000, 1000), dtype='uint16', chunks=(1, 1000, 1000), compression='gzip')",
);

/** A 1000-byte chunk stored as a deflate stream of 1e9 zero bytes (about 1 MB). */
const GZIP_BOMB = `${imageSeries(
  'bomb',
  "g.create_dataset('data', shape=(10, 10, 10), dtype='uint8', chunks=(10, 10, 10), compression='gzip')",
)}
import zlib
c = zlib.compressobj(9)
z = b''.join(c.compress(bytes(1 << 24)) for _ in range(60)) + c.flush()
d.id.write_direct_chunk((0, 0, 0), z)`;

const BOMB_PATH = '/acquisition/bomb/data';

/** Asserts that the unwritten bomb arrived with its shape and nothing stored (no chunk file; HDF5: unallocated). */
async function expectUnwrittenBomb(output: string): Promise<void> {
  const reader = output.endsWith('.zarr') ? await openZarr(output, 'r') : await openHdf5(output, 'r');
  try {
    const info = await reader.stat(BOMB_PATH);
    if (info?.kind !== 'dataset' || info.shape.join(',') !== '1000000,1000,1000')
      throw new Error(`${BOMB_PATH} is ${JSON.stringify(info)}`);
  } finally {
    await reader.close();
  }
  if (output.endsWith('.zarr')) {
    const files = await readdir(join(output, BOMB_PATH));
    if (files.some((f) => !f.startsWith('.'))) throw new Error(`chunks were written: ${files.join(', ')}`);
  } else if ((await stat(output)).size > 20_000_000) {
    throw new Error(`${output} holds ${(await stat(output)).size} bytes: the bomb was materialised`);
  }
}

const CYCLE =
  "f['analysis'].create_group('loop')\nf['analysis/loop']['self'] = f['analysis/loop']\nf['analysis']['back'] = f['/']";
const DEEP = "g = f['analysis']\nfor i in range(10000):\n    g = g.create_group('g')";
const WIDE = "g = f['analysis']\nfor i in range(100000):\n    g.create_group(f'g{i}')";

/** What a hostile server does instead of serving a file; true when it handled the request. */
type Misbehaviour = (key: string, res: ServerResponse, body: () => Promise<Buffer>) => Promise<boolean>;

const CHUNK = 'acquisition/static_images/gray_u8/0.0';
const CHUNK_ERROR = /\/acquisition\/static_images\/gray_u8/;

/** [what it does, how, what the run must end in]. */
const SERVER_CASES: [string, Misbehaviour, Expectation][] = [
  [
    'answers 500 for a chunk',
    async (key, res) => key === CHUNK && (res.writeHead(500).end(), true),
    { code: 1, message: /\/acquisition\/static_images\/gray_u8: .*HTTP 500/ },
  ],
  [
    'cuts a chunk short of its Content-Length',
    async (key, res, body) => {
      if (key !== CHUNK) return false;
      const bytes = await body();
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, bytes.length >> 1));
      res.destroy();
      return true;
    },
    { code: 1, message: CHUNK_ERROR },
  ],
  [
    'sends a chunk with a Content-Length shorter than its blosc frame',
    async (key, res, body) => {
      if (key !== CHUNK) return false;
      const bytes = (await body()).subarray(0, -10);
      res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
      return true;
    },
    { code: 1, message: /\/acquisition\/static_images\/gray_u8: .*blosc frame is cut short/ },
  ],
  [
    'never answers for a chunk (--timeout 2)',
    async (key) => key === CHUNK,
    { code: 1, message: /\/acquisition\/static_images\/gray_u8: .*no answer within 2 s/ },
  ],
  [
    'redirects a chunk to file:///etc/passwd',
    async (key, res) => key === CHUNK && (res.writeHead(302, { location: 'file:///etc/passwd' }).end(), true),
    { code: 1, message: CHUNK_ERROR },
  ],
  [
    'redirects a chunk to another port of its host',
    async (key, res) =>
      key === CHUNK && (res.writeHead(302, { location: 'http://127.0.0.1:1/admin' }).end(), true),
    {
      code: 1,
      message:
        /\/acquisition\/static_images\/gray_u8: .*redirected to http:\/\/127\.0\.0\.1:1\/admin, which is refused/,
    },
  ],
  [
    'streams a 100 MB .zmetadata (no Content-Length)',
    async (key, res) => {
      if (key !== '.zmetadata') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      const piece = Buffer.alloc(1 << 20, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < 100 && !res.destroyed) {
          sent++;
          if (!res.write(piece)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
      return true;
    },
    {
      code: 1,
      message: /: \.zmetadata of more than 67108864 bytes exceeds the 67108864-byte limit for metadata/,
    },
  ],
  [
    'lists keys that escape the root in .zmetadata',
    async (key, res, body) => {
      if (key !== '.zmetadata') return false;
      const meta = JSON.parse((await body()).toString()) as { metadata: Record<string, unknown> };
      meta.metadata['../../../escape/.zgroup'] = { zarr_format: 2 };
      meta.metadata['acquisition/../../outside/.zgroup'] = { zarr_format: 2 };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(meta));
      return true;
    },
    { code: 1, message: /escape|outside|\.\./ },
  ],
];

/** Serves `root` on 127.0.0.1, except where `misbehave` handles a request. */
async function hostileServer(
  root: string,
  misbehave: Misbehaviour,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const key = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname).replace(/^\/+/, '');
    const file = join(root, key);
    const body = () => readFile(file);
    void misbehave(key, res, body).then(async (handled) => {
      if (handled) return;
      const info = await stat(file).catch(() => undefined);
      if (key.includes('..') || info === undefined || !info.isFile()) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': info.size }).end(await body());
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Bytes the HDF5 reader asks for first; the hostile HDF5 server misbehaves only past them. */
const HDF5_HEAD = 1 << 20;

/** Writes an NWB HDF5 file whose movie (40 frames of 256 x 256, a chunk each) ends past the head. */
async function bigHdf5(file: string): Promise<void> {
  const { ImageSeries, NWBFile, ndarray } = await import('@nwbjs/core');
  const { NWBHDF5IO } = await import('@nwbjs/hdf5');
  const pixels = new Uint8Array(40 * 256 * 256).map((_, i) => (i * 7) % 251);
  const io = new NWBHDF5IO(file, 'w');
  await io.write(
    new NWBFile({
      sessionDescription: 'a movie past the first MiB',
      identifier: 'hostile-hdf5-server',
      sessionStartTime: '2024-01-01T12:00:00+00:00',
      acquisition: [
        new ImageSeries({
          name: 'movie',
          data: ndarray('uint8', [40, 256, 256], pixels),
          unit: 'n.a.',
          rate: 30,
          dataLayout: { chunks: [1, 256, 256] },
        }),
      ],
    }),
  );
  await io.close();
}

/** Serves one HDF5 file with Range requests, except where `misbehave` takes a request past the head. */
async function hostileHdf5Server(
  file: string,
  misbehave: (res: ServerResponse, range: string) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const bytes = await readFile(file);
  const server = createServer((req, res) => {
    const match = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (match === null) return void res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), bytes.length - 1);
    if (start >= HDF5_HEAD) return misbehave(res, `bytes ${start}-${end}/${bytes.length}`);
    res.writeHead(206, {
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${bytes.length}`,
    });
    res.end(bytes.subarray(start, end + 1));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/movie.nwb`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/** [what a server of an HDF5 file does past its head, how, what the run must end in]. */
const HDF5_SERVER_CASES: [string, (res: ServerResponse, range: string) => void, Expectation][] = [
  [
    'answers 500 past the head',
    (res) => void res.writeHead(500, 'Internal Server Error').end(),
    { code: 1, message: /movie\.nwb: HTTP 500 Internal Server Error/ },
  ],
  [
    'never answers past the head (--timeout 2)',
    () => undefined,
    { code: 1, message: /movie\.nwb: no answer within 2 s \(timed out\)/ },
  ],
  [
    'redirects past the head to another port',
    (res) => void res.writeHead(302, { location: 'http://127.0.0.1:1/movie.nwb' }).end(),
    { code: 1, message: /movie\.nwb: redirected to http:\/\/127\.0\.0\.1:1\/movie\.nwb, which is refused/ },
  ],
  [
    'cuts a body short past the head',
    (res, range) => {
      const [, from, to] = /(\d+)-(\d+)/.exec(range)!;
      const length = Number(to) - Number(from) + 1;
      res.writeHead(206, { 'content-length': length, 'content-range': range });
      res.write(Buffer.alloc(length >> 1));
      setTimeout(() => res.destroy(), 50);
    },
    {
      code: 1,
      message: /\/[^ ]*: .*movie\.nwb: the body was cut short after \d+ of \d+ bytes/,
    },
  ],
];

/** The corpus. */
export const CASES: HostileCase[] = [
  {
    name: 'a Zarr chunk that is a symlink to a file outside the store',
    expect: { code: 1, message: /\/acquisition\/static_images\/gray_u8.*outside the store/ },
    build: async (dir) => {
      const input = await fixture(dir, 'static_images.nwb.zarr', 'in.nwb.zarr');
      const chunk = join(input, 'acquisition/static_images/gray_u8/0.0');
      await rm(chunk);
      await symlink(join(dir, SECRET), chunk);
      const output = join(dir, 'out/out.nwb');
      return { argv: [input, output], api: () => libConvert(input, output), mayCreate: [] };
    },
  },
  {
    name: 'a Zarr group directory that is a symlink to a directory outside the store',
    expect: { code: 1, message: /\/acquisition\/static_images.*outside the store/ },
    build: async (dir) => {
      const input = await fixture(dir, 'static_images.nwb.zarr', 'in.nwb.zarr');
      const group = join(input, 'acquisition/static_images');
      await cp(group, join(dir, 'victim/static_images'), { recursive: true });
      await rm(group, { recursive: true });
      await symlink(join(dir, 'victim/static_images'), group);
      const output = join(dir, 'out/out.nwb');
      return { argv: [input, output], api: () => libConvert(input, output), mayCreate: [] };
    },
  },
  {
    name: 'a Zarr symlink inside the store is followed',
    expect: { code: 0 },
    build: async (dir) => {
      const input = await fixture(dir, 'static_images.nwb.zarr', 'in.nwb.zarr');
      const chunk = join(input, 'acquisition/static_images/gray_u8/0.0');
      await cp(chunk, join(input, 'gray_u8-chunk'));
      await rm(chunk);
      await symlink('../../../gray_u8-chunk', chunk);
      const output = join(dir, 'out/out.nwb');
      return {
        argv: [input, output, '--quiet'],
        api: async () => {
          await rm(output, { force: true });
          return libConvert(input, output);
        },
        mayCreate: ['out/out.nwb'],
      };
    },
  },
  copyExternalCase(
    '--copy-external with ../../../../../../etc/passwd',
    ['image/file_1.tiff', '../../../../../../etc/passwd'],
    new RegExp(
      `${EXTERNAL}.*\\.\\./\\.\\./\\.\\./\\.\\./\\.\\./\\.\\./etc/passwd \\(outside the input's folder\\)`,
    ),
  ),
  copyExternalCase(
    '--copy-external with image/../../victim/secret.txt',
    ['image/../../victim/secret.txt'],
    /image\/\.\.\/\.\.\/victim\/secret\.txt \(outside the input's folder\)/,
  ),
  copyExternalCase(
    '--copy-external with a symlink to a file outside',
    ['image/movie.tiff'],
    /image\/movie\.tiff \(a symbolic link\)/,
    async (dir) => symlink(join(dir, 'victim/shadow'), join(dir, 'src/image/movie.tiff')),
  ),
  copyExternalCase(
    "--copy-external onto the user's notes.txt",
    ['notes.txt'],
    /notes\.txt \(.*out\/notes\.txt exists\)/,
    async (dir) => writeFile(join(dir, 'src/notes.txt'), 'the source notes\n'),
  ),
  copyExternalCase(
    '--copy-external with ../notes.txt',
    ['../notes.txt'],
    /\.\.\/notes\.txt \(outside the input's folder\)/,
  ),
  {
    name: '--copy-external copies nothing that stays when the conversion fails',
    expect: { code: 1, message: /\/acquisition\/ExternalFiles\/timestamps/ },
    build: async (dir) => {
      await images(dir);
      const input = await rewritten(dir, 'tutorial_images.nwb', 'in.nwb.zarr', () => undefined);
      await writeFile(join(input, 'acquisition/ExternalFiles/timestamps/0'), 'not a chunk of float64s\n');
      const output = join(dir, 'out/out.nwb');
      return {
        argv: [input, output, '--copy-external'],
        api: () => libConvert(input, output, { copyExternal: true }),
        mayCreate: [],
      };
    },
  },
  ...(['zarr', 'hdf5'] as const).flatMap((from) =>
    (['zarr', 'hdf5'] as const).map((to): HostileCase => ({
      name: `attributes and groups named ${PROTO_NAMES.join(', ')} survive ${from} to ${to}`,
      expect: { code: 0 },
      build: async (dir) => {
        const input =
          from === 'zarr'
            ? await fixture(dir, 'static_images.nwb.zarr', 'in.nwb.zarr')
            : await fixture(dir, 'static_images.nwb', 'in.nwb');
        await (from === 'zarr' ? protoNamesZarr(input) : protoNamesHdf5(input));
        const output = join(dir, to === 'zarr' ? 'out/out.nwb.zarr' : 'out/out.nwb');
        const rel = to === 'zarr' ? 'out/out.nwb.zarr' : 'out/out.nwb';
        return {
          argv: [input, output, '--quiet'],
          api: async () => {
            await rm(output, { recursive: true, force: true });
            return libConvert(input, output);
          },
          mayCreate: [rel],
          check: async () => {
            await expectProtoAttributes(input, ['/', '/session_description']);
            await expectProtoAttributes(output, ['/', '/session_description']);
          },
        };
      },
    })),
  ),
  ...(['convert', 'inspect', 'validate'] as const).map((command) =>
    hdf5Case(
      `HDF5 hard links making group cycles (/analysis/loop/self, /analysis/back -> /): ${command}`,
      CYCLE,
      command,
      { code: 0 },
      command === 'convert' ? { check: expectCycleLinks } : {},
    ),
  ),
  ...(['convert', 'inspect'] as const).map((command) =>
    hdf5Case(`HDF5 groups nested 10 000 deep: ${command}`, DEEP, command, {
      code: 1,
      // h5wasm checks every prefix of a path, so looking deeper would cost the cube of the depth.
      message: /\/analysis(\/g){100}: groups nest deeper than 100 levels, more than nwbjs reads/,
    }),
  ),
  {
    name: 'Zarr groups nested 1 100 deep',
    expect: { code: 1, message: /\/analysis(\/g){1000}: groups nest deeper than 1000 levels/ },
    build: async (dir) => {
      const input = await fixture(dir, 'static_images.nwb.zarr', 'in.nwb.zarr');
      let at = join(input, 'analysis');
      for (let i = 0; i < 1100; i++) {
        at = join(at, 'g');
        await mkdir(at);
        await writeFile(join(at, '.zgroup'), '{"zarr_format": 2}');
      }
      await rm(join(input, '.zmetadata'));
      return commandCase(dir, input, 'convert', 'out/out.nwb');
    },
  },
  // To HDF5: to Zarr, 200 000 small files take most of a minute on a busy disk by themselves.
  hdf5Case(
    'HDF5 with 100 000 empty groups converts in a minute',
    WIDE,
    'convert',
    { code: 0 },
    { timeLimit: 60_000, output: 'out/out.nwb' },
  ),
  ...(['out/out.nwb.zarr', 'out/out.nwb'] as const).map((output) =>
    hdf5Case(
      `an ImageSeries claiming (1e6, 1000, 1000) uint16 with no chunk written, to ${output.endsWith('.zarr') ? 'Zarr' : 'HDF5'}`,
      UNWRITTEN_BOMB,
      'convert',
      { code: 0 },
      { output, check: expectUnwrittenBomb },
    ),
  ),
  {
    name: 'a Zarr ImageSeries claiming (1e6, 1000, 1000) uint16 with no chunk written, to HDF5',
    expect: { code: 0 },
    build: async (dir) => {
      const input = await fixture(dir, 'static_images.nwb.zarr', 'in.nwb.zarr');
      const series = join(input, 'acquisition/bomb');
      await mkdir(join(series, 'data'), { recursive: true });
      const json = (value: unknown) => JSON.stringify(value);
      await writeFile(join(series, '.zgroup'), json({ zarr_format: 2 }));
      await writeFile(
        join(series, '.zattrs'),
        json({
          neurodata_type: 'ImageSeries',
          namespace: 'core',
          object_id: '6c1c3c9e-2b59-4f3c-9d0e-3f1b8f1f7a11',
          description: 'hostile',
          comments: 'no comments',
        }),
      );
      await writeFile(
        join(series, 'data/.zarray'),
        json({
          chunks: [1, 1000, 1000],
          compressor: { id: 'zlib', level: 4 },
          dtype: '<u2',
          fill_value: 0,
          filters: null,
          order: 'C',
          shape: [1000000, 1000, 1000],
          zarr_format: 2,
        }),
      );
      await writeFile(
        join(series, 'data/.zattrs'),
        json({ unit: 'n/a', conversion: 1.0, resolution: -1.0, offset: 0.0, zarr_dtype: 'uint16' }),
      );
      await rm(join(input, '.zmetadata'));
      const built = commandCase(dir, input, 'convert', 'out/out.nwb');
      return { ...built, check: () => expectUnwrittenBomb(join(dir, 'out/out.nwb')) };
    },
  },
  hdf5Case(
    'a gzip chunk of 1000 bytes that inflates to 1e9 bytes',
    GZIP_BOMB,
    'convert',
    {
      code: 1,
      message: /\/acquisition\/bomb\/data: .*more than its 1000 bytes/,
    },
    { output: 'out/out.nwb' },
  ),
  ...([false, true] as const).map((force): HostileCase => ({
    name: `a root that says NWBFile and has nothing else${force ? ', with --force' : ''}`,
    expect: force
      ? { code: 0, message: /^warning: .*in\.nwb\.zarr: the root says NWBFile .*written because of --force/m }
      : {
          code: 1,
          message:
            /in\.nwb\.zarr: the root says NWBFile but has no identifier, session_description, session_start_time.*--force/,
        },
    build: async (dir) => {
      const input = join(dir, 'src/in.nwb.zarr');
      await mkdir(input);
      await writeFile(join(input, '.zgroup'), '{"zarr_format": 2}');
      await writeFile(
        join(input, '.zattrs'),
        '{"neurodata_type": "NWBFile", "namespace": "core", "nwb_version": "2.7.0"}',
      );
      const output = join(dir, 'out/out.nwb');
      return {
        argv: [input, output, ...(force ? ['--force'] : [])],
        api: async () => {
          await rm(output, { force: true });
          return libConvert(input, output, { force });
        },
        mayCreate: force ? ['out/out.nwb'] : [],
      };
    },
  })),
  ...(
    [
      [
        'convert',
        {
          code: 0,
          message:
            /^warning: \/acquisition\/dangle: soft link to \/general\/devices\/nothing, which is not in the file/m,
        },
      ],
      [
        'inspect',
        { code: 0, message: /dangle .*-> \/general\/devices\/nothing \(dangling: not in the file\)/ },
      ],
      [
        'validate',
        {
          code: 1,
          message:
            /\/acquisition\/dangle: soft link to \/general\/devices\/nothing, which is not in the file \[dangling-link\]/,
        },
      ],
    ] as const
  ).map(([command, expect]) =>
    hdf5Case(
      `a soft link to nothing: ${command}`,
      "f['acquisition/dangle'] = h5py.SoftLink('/general/devices/nothing')",
      command,
      expect,
    ),
  ),
  ...HDF5_SERVER_CASES.map(([name, misbehave, expect]): HostileCase => ({
    name: `an HDF5 server that ${name}`,
    expect,
    build: async (dir) => {
      const file = join(dir, 'src', 'movie.nwb');
      await bigHdf5(file);
      const server = await hostileHdf5Server(file, misbehave);
      const output = join(dir, 'out/out.nwb.zarr');
      return {
        argv: [server.url, output, '--timeout', '2'],
        api: () => libConvert(server.url, output, { timeoutMs: 2000 }),
        mayCreate: [],
        cleanup: server.close,
      };
    },
  })),
  ...SERVER_CASES.map(([name, misbehave, expect]): HostileCase => ({
    name: `a server that ${name}`,
    expect,
    build: async (dir) => {
      const server = await hostileServer(join(FIXTURES, 'static_images.nwb.zarr'), misbehave);
      const output = join(dir, 'out/out.nwb');
      return {
        argv: [server.url, output, '--timeout', '2'],
        api: () => libConvert(server.url, output, { timeoutMs: 2000 }),
        mayCreate: [],
        cleanup: server.close,
      };
    },
  })),
];
