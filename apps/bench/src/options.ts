/**
 * Command-line options of the bench.
 */
import { FRAME_BYTES } from './movie.js';

/** The groups of cases, selectable with `--only`. */
export const CASE_GROUPS = ['write', 'read', 'convert', 'remote', 'stream'] as const;
export type CaseGroup = (typeof CASE_GROUPS)[number];

/** What one bench run does. */
export interface BenchOptions {
  /** Frames of the movie (each 512 x 512 uint8). */
  frames: number;
  /** Measured runs per case (the median is reported). */
  runs: number;
  /** Unmeasured runs before them. */
  warmup: number;
  /** Frames read at random (case 2) and over HTTP (case 4). */
  randomFrames: number;
  remoteFrames: number;
  /** Sizes of the streamed writes of case 5, bytes. */
  streamBytes: number[];
  /** Whole-dataset reads are skipped above this many bytes (both sides would hold it all). */
  wholeReadLimit: number;
  /** Parent of the temporary directory. */
  dir: string | undefined;
  /** Keep the temporary directory. */
  keep: boolean;
  /** Where to write the results as JSON. */
  json: string | undefined;
  /** Which groups of cases to run. */
  only: CaseGroup[];
  /** The Python interpreter (Debian's, isolated from user site-packages). */
  python: string;
  /** Skip the apt-get set-up step. */
  noSetup: boolean;
  quick: boolean;
}

/** The default movie: (2000, 512, 512) uint8, 524 MB. */
export const DEFAULT_FRAMES = 2000;
const GIB = 1024 ** 3;
const DEFAULT_STREAM_BYTES = [1 * GIB, 4 * GIB];

export const USAGE = `Usage: npm run bench -- [options]

  --quick            a tiny run (8 MiB movie, 1 run, no warm-up) in well under a minute
  --size SIZE        movie size, e.g. 100MB, 2GB, 4GiB (default 524MB: 2000 frames of 512x512);
                     the streamed-write sizes (1 GiB and 4 GiB) scale with it
  --frames N         movie length in frames instead of --size
  --runs N           measured runs per case (default 3; the median is reported)
  --warmup N         unmeasured runs before them (default 1)
  --only LIST        comma-separated groups: ${CASE_GROUPS.join(',')} (default all)
  --dir DIR          where to put the temporary data (default the OS temp directory)
  --keep             keep the temporary data
  --json FILE        also write the results as JSON to FILE
  --python PATH      Python interpreter (default /usr/bin/python3, run with -Es)
  --no-setup         do not try to apt-get install python3-h5py / python3-zarr when missing
  --help             this text`;

/** Bytes from `524MB`, `2GB`, `4GiB`, `100000000`. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?$/i.exec(text.trim());
  if (match === null)
    throw new Error(
      `--size ${JSON.stringify(text)}: expected a number with an optional unit (MB, GB, MiB, GiB)`,
    );
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    kib: 1024,
    mib: 1024 ** 2,
    gib: GIB,
  };
  return Math.round(Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()]!);
}

function positiveInteger(flag: string, text: string | undefined, allowZero = false): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new Error(
      `${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** Parses argv (without node and the script); throws an Error naming the bad option. */
export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  let frames: number | undefined;
  let runs: number | undefined;
  let warmup: number | undefined;
  let quick = false;
  const options: Omit<
    BenchOptions,
    'frames' | 'runs' | 'warmup' | 'streamBytes' | 'randomFrames' | 'remoteFrames' | 'quick'
  > = {
    wholeReadLimit: 1.5 * GIB,
    dir: undefined,
    keep: false,
    json: undefined,
    only: [...CASE_GROUPS],
    python: '/usr/bin/python3',
    noSetup: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--help':
      case '-h':
        return 'help';
      case '--quick':
        quick = true;
        break;
      case '--size':
        frames = Math.max(1, Math.round(parseSize(value()) / FRAME_BYTES));
        break;
      case '--frames':
        frames = positiveInteger(arg, value());
        break;
      case '--runs':
        runs = positiveInteger(arg, value());
        break;
      case '--warmup':
        warmup = positiveInteger(arg, value(), true);
        break;
      case '--only': {
        const groups = value()
          .split(',')
          .map((g) => g.trim());
        const unknown = groups.filter((g) => !(CASE_GROUPS as readonly string[]).includes(g));
        if (unknown.length > 0)
          throw new Error(
            `--only: unknown group(s) ${unknown.join(', ')} (known: ${CASE_GROUPS.join(', ')})`,
          );
        options.only = groups as CaseGroup[];
        break;
      }
      case '--dir':
        options.dir = value();
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--json':
        options.json = value();
        break;
      case '--python':
        options.python = value();
        break;
      case '--no-setup':
        options.noSetup = true;
        break;
      default:
        throw new Error(`unknown option ${JSON.stringify(arg)} (see --help)`);
    }
  }
  const movieFrames = frames ?? (quick ? 32 : DEFAULT_FRAMES);
  const scale = movieFrames / DEFAULT_FRAMES;
  return {
    ...options,
    quick,
    frames: movieFrames,
    runs: runs ?? (quick ? 1 : 3),
    warmup: warmup ?? (quick ? 0 : 1),
    randomFrames: quick ? 20 : 200,
    remoteFrames: quick ? 10 : 50,
    // Whole frames, scaled from the smallest size so that the sizes keep their exact ratio.
    streamBytes: DEFAULT_STREAM_BYTES.map(
      (b) =>
        Math.max(1, Math.round((DEFAULT_STREAM_BYTES[0]! * scale) / FRAME_BYTES)) *
        FRAME_BYTES *
        (b / DEFAULT_STREAM_BYTES[0]!),
    ),
  };
}
