/**
 * Node: a small pool of worker threads for the numcodecs WASM codecs (Blosc, Zstd, LZ4). Those
 * builds are single-threaded and run on the calling thread, unlike deflate (node:zlib's thread
 * pool), so without workers a Zarr write compresses on one core. The pool starts on the first large
 * chunk, keeps at most a few workers, and holds the process open only while a job is in flight.
 * Where workers cannot be started (a locked-down runtime, a failed start) every job runs on the
 * calling thread instead, with the same result. Browser bundles get platform/browser/codec-pool.
 */
import { availableParallelism } from 'node:os';
import type * as WorkerThreads from 'node:worker_threads';
import type { PooledCodec } from '../../numcodecs-codec.js';
import { NumcodecsCache } from '../../numcodecs-codec.js';
import type { CodecRunner } from '../contract.js';

/** Chunks smaller than this are coded in-thread: a round trip to a worker costs more than it saves. */
const MIN_POOLED_BYTES = 64 * 1024;
/** Workers at most, whatever the core count (each holds its own V8 isolate and WASM instances). */
const MAX_WORKERS = 4;

/**
 * The worker's program, run with `eval`; it uses only dynamic `import()`, so it runs whether eval
 * code is taken as CommonJS or as a module. It loads codecs from the same zarrita the main thread
 * uses (its URL comes in workerData), caches one instance per configuration, and answers each job
 * with the output buffer transferred back.
 */
const WORKER_SOURCE = `
import('node:worker_threads').then(({ parentPort, workerData }) => {
const zarritaLoaded = import(workerData.zarritaUrl);
const codecs = new Map();
function codecFor(id, config) {
  const key = id + JSON.stringify(config);
  let codec = codecs.get(key);
  if (codec === undefined) {
    codec = zarritaLoaded.then(async (zarrita) => {
      const entry = await zarrita.registry.get(id)();
      return entry.fromConfig({ id, ...config }, { dataType: 'uint8', shape: [1], codecs: [], fillValue: null });
    });
    codecs.set(key, codec);
  }
  return codec;
}
parentPort.on('message', async (job) => {
  try {
    const codec = await codecFor(job.id, job.config);
    const out = job.op === 'encode' ? await codec.encode(job.data) : await codec.decode(job.data);
    const whole = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : out.slice();
    parentPort.postMessage({ seq: job.seq, data: whole }, [whole.buffer]);
  } catch (error) {
    parentPort.postMessage({ seq: job.seq, error: String((error && error.message) || error) });
  }
});
});
`;

type WorkerModule = typeof WorkerThreads;
type WorkerInstance = InstanceType<WorkerModule['Worker']>;

interface Job {
  readonly op: 'encode' | 'decode';
  readonly codec: PooledCodec;
  readonly data: Uint8Array;
  readonly resolve: (data: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

interface PoolWorker {
  readonly worker: WorkerInstance;
  readonly jobs: Map<number, Job>;
}

/** Runs pooled codec jobs on worker threads, or in-thread where that is not possible. */
export class CodecPool implements CodecRunner {
  #size: number;
  readonly #local = new NumcodecsCache();
  #workers: PoolWorker[] | undefined;
  #starting: Promise<PoolWorker[]> | undefined;
  #seq = 0;
  #next = 0;

  /** `size` workers at most (default: the core count, at most 4; 0 runs everything in-thread). */
  constructor(size?: number) {
    this.#size = clampSize(size ?? safeParallelism());
  }

  /** Encodes one chunk's bytes. */
  encode(codec: PooledCodec, data: Uint8Array): Promise<Uint8Array> {
    return this.#run('encode', codec, data);
  }

  /** Decodes one chunk's bytes. */
  decode(codec: PooledCodec, data: Uint8Array): Promise<Uint8Array> {
    return this.#run('decode', codec, data);
  }

  /** Whether jobs are running on worker threads (false before the first pooled job). */
  get threaded(): boolean {
    return (this.#workers?.length ?? 0) > 0;
  }

  /** Sets the number of workers (0: code in-thread); running workers are stopped first. */
  async resize(size: number): Promise<void> {
    await this.close();
    this.#size = clampSize(size);
  }

  /** Stops the workers (a later job starts them again). */
  async close(): Promise<void> {
    const workers = this.#workers ?? (await this.#starting);
    this.#workers = undefined;
    this.#starting = undefined;
    if (workers !== undefined) await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  async #run(op: 'encode' | 'decode', codec: PooledCodec, data: Uint8Array): Promise<Uint8Array> {
    const workers = data.byteLength < MIN_POOLED_BYTES || this.#size === 0 ? [] : await this.#start();
    if (workers.length === 0) return this.#runLocal(op, codec, data);
    const target = workers[this.#next++ % workers.length]!;
    const seq = this.#seq++;
    // The input is copied, not transferred: it may belong to the caller (a Map store's value).
    // A view is cut out first, since cloning a view clones its whole buffer.
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
    return new Promise<Uint8Array>((resolve, reject) => {
      if (target.jobs.size === 0) target.worker.ref();
      target.jobs.set(seq, { op, codec, data: whole, resolve, reject });
      target.worker.postMessage({ seq, op, id: codec.id, config: codec.config, data: whole });
    });
  }

  #runLocal(op: 'encode' | 'decode', codec: PooledCodec, data: Uint8Array): Promise<Uint8Array> {
    return this.#local.run(op, codec, data);
  }

  #start(): Promise<PoolWorker[]> {
    if (this.#workers !== undefined) return Promise.resolve(this.#workers);
    this.#starting ??= (async () => {
      let workers: PoolWorker[] = [];
      try {
        const threads: WorkerModule = await import('node:worker_threads');
        const zarritaUrl = import.meta.resolve('zarrita');
        for (let i = 0; i < this.#size; i++) workers.push(this.#spawn(threads, zarritaUrl));
      } catch {
        // No worker threads here (a locked-down runtime): code in-thread.
        for (const w of workers) void w.worker.terminate();
        workers = [];
      }
      this.#workers = workers;
      return workers;
    })();
    return this.#starting;
  }

  #spawn(threads: WorkerModule, zarritaUrl: string): PoolWorker {
    // No inherited flags: the parent's `--input-type` or loaders must not change how this runs.
    const worker = new threads.Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { zarritaUrl },
    });
    const entry: PoolWorker = { worker, jobs: new Map() };
    worker.on('message', (reply: { seq: number; data?: Uint8Array; error?: string }) => {
      const job = entry.jobs.get(reply.seq);
      if (job === undefined) return;
      entry.jobs.delete(reply.seq);
      if (entry.jobs.size === 0) worker.unref();
      if (reply.error !== undefined || reply.data === undefined)
        job.reject(new Error(reply.error ?? 'codec worker returned nothing'));
      else job.resolve(reply.data);
    });
    // A worker that dies is dropped, and its jobs are coded in-thread: the write goes on.
    const fail = () => {
      if (this.#workers !== undefined) this.#workers = this.#workers.filter((w) => w !== entry);
      const orphans = [...entry.jobs.values()];
      entry.jobs.clear();
      for (const job of orphans) this.#runLocal(job.op, job.codec, job.data).then(job.resolve, job.reject);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    // Idle workers never keep the process alive; a worker is ref'd only while it has jobs. (After the
    // listeners: adding a 'message' listener refs the worker's port again.)
    worker.unref();
    return entry;
  }
}

function clampSize(size: number): number {
  return Math.max(0, Math.min(MAX_WORKERS, Math.floor(size)));
}

function safeParallelism(): number {
  try {
    return availableParallelism();
  } catch {
    return 1;
  }
}

/** The pool every Zarr store of this process shares. */
export const sharedCodecPool: CodecRunner = new CodecPool();

/**
 * Sets how many worker threads code Blosc, Zstd and LZ4 chunks (default: the core count, at most 4;
 * 0 codes them on the calling thread). Deflate always runs on node:zlib's own thread pool.
 */
export async function setCodecWorkers(count: number): Promise<void> {
  await sharedCodecPool.resize(count);
}
