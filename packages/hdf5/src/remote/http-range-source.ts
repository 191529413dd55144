/**
 * An HDF5 file read over HTTP with Range requests only. Reads that arrive together (within one turn
 * of the event loop) are sorted and those close to each other are merged into one request; separate
 * groups go out in parallel. What came back is kept in a byte-bounded cache of spans, so the many
 * small reads of a file's metadata become few requests, and bytes already on their way are waited
 * for, not asked again. Every answer is checked: 206 with a Content-Range for exactly what was
 * asked, a body of that length, the same file size each time. A server that ignores Range (200 with
 * the whole file) is an error unless the caller allowed downloading the whole file.
 */
import { DEFAULT_HTTP_TIMEOUT_MS, HttpRequestError } from '@nwbjs/core';
import { describeFetchFailure, fetchChecked } from '@nwbjs/core/backend';

/** Options of {@link HttpRangeSource}. */
export interface HttpRangeOptions {
  /**
   * A fetch to use instead of the global one (to sign requests, add credentials, count them). It
   * gets each request as a `Request` and must return the server's `Response`.
   */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request (e.g. `Authorization`); the `Range` header is set by the reader. */
  headers?: Record<string, string>;
  /**
   * How long a request may wait for the server to start answering, and a body may stall between
   * two pieces, in milliseconds (default 30 000).
   */
  timeoutMs?: number;
  /** Aborts every request of this file: pending reads reject with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Accept a server that ignores Range requests by downloading the whole file once (into memory).
   * Off by default: such a server is an error naming the URL, never a silent full download.
   */
  allowFullDownload?: boolean;
  /**
   * Bytes asked for by the first request, from the start of the file (default 1 MiB). HDF5 writers
   * put the superblock and most metadata of small files there, so a larger head means fewer round
   * trips later; a file smaller than this arrives whole.
   */
  headBytes?: number;
  /**
   * Bytes asked for at the end of the file right after the head, when the file is larger than the
   * head (default 256 KiB; 0: none). HDF5 writes the metadata it finishes on closing last, so in
   * files whose data were written before closing (most large files) this saves round trips.
   */
  tailBytes?: number;
  /** Reads whose ranges are at most this many bytes apart are merged into one request (default 64 KiB). */
  mergeGapBytes?: number;
  /** Bytes of answers kept for later reads, at most (default 64 MiB). */
  cacheBytes?: number;
}

/** What a remote file has cost so far. */
export interface HttpTransferStats {
  /** HTTP requests made (each redirect followed counts once, with its target). */
  requests: number;
  /**
   * Round trips: requests that started while no other request of this file was in flight (a batch
   * of parallel requests is one round trip).
   */
  roundTrips: number;
  /** Body bytes received. */
  bytes: number;
}

/** Default of {@link HttpRangeOptions.headBytes}. */
export const DEFAULT_HEAD_BYTES = 1 << 20;
/** Default of {@link HttpRangeOptions.tailBytes}. */
const DEFAULT_TAIL_BYTES = 256 * 1024;
const DEFAULT_MERGE_GAP = 64 * 1024;
const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
/** A merged request grows past this only when a single read is larger. */
const MAX_MERGED_REQUEST = 16 * 1024 * 1024;
/** Requests of one file in flight at once, at most; more wait their turn. */
const MAX_PARALLEL_REQUESTS = 16;

/** Bytes of the file that have arrived: `bytes` start at `start`. */
interface Span {
  readonly start: number;
  readonly bytes: Uint8Array;
}

/** A read waiting for the next batch: it settles from the requests that batch (and earlier ones) send. */
interface PendingRead {
  readonly start: number;
  readonly end: number;
  readonly resolve: (bytes: Promise<Uint8Array>) => void;
}

/** A request on its way: the range it covers, and the span it will give. */
interface InFlight {
  readonly start: number;
  readonly end: number;
  readonly span: Promise<Span>;
}

/** A range of the file, and the request in flight that covers it (undefined: none does). */
interface Piece {
  readonly start: number;
  readonly end: number;
  readonly flight: InFlight | undefined;
}

/**
 * A remote HDF5 file's bytes, read with HTTP Range requests. {@link open} makes the first request
 * (the file's head, which also tells its size); {@link read} is a ByteSource for the format reader.
 *
 * ```ts
 * const file = new HttpRangeSource('https://example.org/session.nwb');
 * await file.open();
 * const head = await file.read(0, 8);
 * console.log(file.size, file.stats);
 * ```
 */
export class HttpRangeSource {
  /** The file's URL (after `open`, the URL redirects led to, if any). */
  url: string;
  readonly #options: HttpRangeOptions;
  readonly #mergeGap: number;
  readonly #cacheLimit: number;
  #size: number | undefined;
  #opened: Promise<number> | undefined;
  /** Cached spans, least recently used first. */
  #cache: Span[] = [];
  #cachedBytes = 0;
  #inFlight: InFlight[] = [];
  #pending: PendingRead[] = [];
  #flushScheduled = false;
  /** Requests that landed while a batch was waiting to go out: listed in flight until it has. */
  #landedBeforeFlush: InFlight[] = [];
  #active = 0;
  /** Requests waiting for one in flight to end. */
  #waiting: (() => void)[] = [];
  #stats: HttpTransferStats = { requests: 0, roundTrips: 0, bytes: 0 };

  constructor(url: string | URL, options: HttpRangeOptions = {}) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new HttpRequestError(parsed.href, 'only http: and https: URLs are read over HTTP');
    }
    this.url = parsed.href;
    this.#options = options;
    this.#mergeGap = options.mergeGapBytes ?? DEFAULT_MERGE_GAP;
    this.#cacheLimit = options.cacheBytes ?? DEFAULT_CACHE_BYTES;
  }

  /** The file's size in bytes, once {@link open} has learned it. */
  get size(): number | undefined {
    return this.#size;
  }

  /** Requests, round trips and bytes so far (a copy). */
  get stats(): HttpTransferStats {
    return { ...this.#stats };
  }

  /**
   * Reads the file's head (its first {@link HttpRangeOptions.headBytes}) and learns its size from
   * the answer; later calls return the same promise. Rejects with an {@link HttpRequestError} naming
   * the URL when the server fails, does not honour Range (unless allowed), or answers inconsistently.
   */
  open(): Promise<number> {
    this.#opened ??= this.#fetchSpan(0, Math.max(1, this.#options.headBytes ?? DEFAULT_HEAD_BYTES)).then(
      (span) => {
        this.#keep(span);
        const size = this.#size!;
        // The file's tail goes out at once, alongside the first metadata reads: what HDF5 writes
        // last (object headers and indexes finished on close) lies there in files larger than the head.
        const tail = Math.min(this.#options.tailBytes ?? DEFAULT_TAIL_BYTES, size - span.bytes.length);
        if (tail > 0 && this.#fromCache(size - tail, size) === undefined) this.#request(size - tail, size);
        return size;
      },
    );
    return this.#opened;
  }

  /**
   * `length` bytes at `offset` (fewer only at the end of the file), from the cache or in the next
   * batch of requests; the caller owns the bytes it gets (a copy: the cache keeps its own).
   * `signal` abandons this read (the request it shares with others goes on).
   */
  read = async (offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> => {
    const size = await this.open();
    signal?.throwIfAborted();
    const start = Math.min(offset, size);
    const end = Math.min(offset + length, size);
    if (end <= start) return new Uint8Array(0);
    const cached = this.#fromCache(start, end);
    if (cached !== undefined) return cached;
    // Only what no cached span holds goes out: ends of the range that cached spans cover (a chunk
    // partly in the head, or in a metadata read next to it) are taken from them, not asked again.
    const front = this.#cachedFront(start, end);
    const back = this.#cachedBack(start + front.length, end);
    const missing = this.#fetch(start + front.length, end - back.length);
    const pending =
      front.length === 0 && back.length === 0
        ? missing
        : missing.then((middle) => joined(front, middle, back));
    if (signal === undefined) return pending;
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  };

  /**
   * `[start, end)` from the requests in flight that cover it, or in the next batch (which asks only
   * for the parts no request in flight covers); empty if `end <= start`.
   */
  #fetch(start: number, end: number): Promise<Uint8Array> {
    if (end <= start) return Promise.resolve(new Uint8Array(0));
    const pieces = this.#pieces(start, end);
    if (pieces.every((p) => p.flight !== undefined)) return fromFlights(pieces);
    return new Promise<Uint8Array>((resolve) => {
      this.#pending.push({ start, end, resolve });
      this.#scheduleFlush();
    });
  }

  /**
   * `[start, end)` cut where requests in flight begin and end: each piece lies in one request (the
   * one reaching furthest) or in none.
   */
  #pieces(start: number, end: number): Piece[] {
    const flights = this.#inFlight.filter((f) => f.start < end && start < f.end);
    const pieces: Piece[] = [];
    for (let at = start; at < end;) {
      let flight: InFlight | undefined;
      let next = end;
      for (const f of flights) {
        if (f.start <= at && at < f.end) {
          if (flight === undefined || f.end > flight.end) flight = f;
        } else if (f.start > at) next = Math.min(next, f.start);
      }
      const to = flight === undefined ? next : Math.min(end, flight.end);
      pieces.push({ start: at, end: to, flight });
      at = to;
    }
    return pieces;
  }

  /**
   * Asks for these ranges now (they go out merged with whatever else is pending), so that later
   * reads of them find them cached or on their way. Failures are left to those reads.
   */
  prefetch(ranges: readonly { offset: number; length: number }[]): void {
    for (const { offset, length } of ranges) this.read(offset, length).catch(() => undefined);
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // One turn of the event loop: reads issued by the same wave of promise callbacks go together.
    setTimeout(() => {
      this.#flushScheduled = false;
      this.#flush();
    }, 0);
  }

  /**
   * Sends the pending reads: what no request in flight covers is sorted, nearby ranges are merged
   * (not across bytes cached or on their way: they would arrive a second time), groups go out in
   * parallel; then every pending read waits for the requests that cover it.
   */
  #flush(): void {
    const reads = this.#pending;
    this.#pending = [];
    const landed = this.#landedBeforeFlush;
    this.#landedBeforeFlush = [];
    const missing = reads
      .flatMap((read) => this.#pieces(read.start, read.end).filter((p) => p.flight === undefined))
      .sort((a, b) => a.start - b.start);
    let groupStart = 0;
    let groupEnd = 0;
    let grouped = false;
    for (const piece of missing) {
      // Overlapping pieces (two reads of the same bytes) are asked for once.
      const start = grouped ? Math.max(piece.start, groupEnd) : piece.start;
      if (piece.end <= start) continue;
      const joins =
        grouped &&
        start <= groupEnd + this.#mergeGap &&
        !this.#holdsCached(groupEnd, start) &&
        !this.#holdsInFlight(groupEnd, start) &&
        Math.max(groupEnd, piece.end) - groupStart <= Math.max(MAX_MERGED_REQUEST, piece.end - start);
      if (joins) {
        groupEnd = Math.max(groupEnd, piece.end);
        continue;
      }
      if (grouped) this.#request(groupStart, groupEnd);
      grouped = true;
      groupStart = start;
      groupEnd = piece.end;
    }
    if (grouped) this.#request(groupStart, groupEnd);
    for (const read of reads) {
      const cached = this.#fromCache(read.start, read.end);
      read.resolve(
        cached !== undefined ? Promise.resolve(cached) : fromFlights(this.#pieces(read.start, read.end)),
      );
    }
    if (landed.length > 0) this.#inFlight = this.#inFlight.filter((f) => !landed.includes(f));
  }

  /**
   * Requests `[start, end)`; reads of bytes inside it wait for it. It leaves the list of requests in
   * flight as soon as it settles, so a failed request is not waited for again: later reads ask anew.
   */
  #request(start: number, end: number): void {
    const span = this.#fetchSpan(start, end - start);
    const flight: InFlight = { start, end, span };
    this.#inFlight.push(flight);
    const landed = () => {
      this.#inFlight = this.#inFlight.filter((f) => f !== flight);
    };
    span.then((got) => {
      this.#keep(got);
      // Reads queued for the batch about to go out may count on this request's bytes (they were
      // on their way when the reads were queued): it stays listed until that batch has gone out,
      // its reads served from its settled answer, instead of its bytes being asked for again.
      if (this.#flushScheduled) this.#landedBeforeFlush.push(flight);
      else landed();
    }, landed);
  }

  /** Whether any byte of `[start, end)` is on its way. */
  #holdsInFlight(start: number, end: number): boolean {
    return end > start && this.#inFlight.some((f) => f.start < end && start < f.end);
  }

  /** The bytes `[start, end)` if one cached span holds them all. */
  #fromCache(start: number, end: number): Uint8Array | undefined {
    for (let i = this.#cache.length - 1; i >= 0; i--) {
      const span = this.#cache[i]!;
      if (span.start <= start && end <= span.start + span.bytes.length) {
        if (i !== this.#cache.length - 1) {
          this.#cache.splice(i, 1);
          this.#cache.push(span);
        }
        return span.bytes.slice(start - span.start, end - span.start);
      }
    }
    return undefined;
  }

  /** A copy of the longest start of `[start, end)` that cached spans hold, one after another (empty if none). */
  #cachedFront(start: number, end: number): Uint8Array {
    const pieces: Uint8Array[] = [];
    for (let at = start; at < end;) {
      let best: Span | undefined;
      for (const span of this.#cache) {
        const spanEnd = span.start + span.bytes.length;
        if (
          span.start <= at &&
          at < spanEnd &&
          (best === undefined || spanEnd > best.start + best.bytes.length)
        )
          best = span;
      }
      if (best === undefined) break;
      const to = Math.min(end, best.start + best.bytes.length);
      pieces.push(best.bytes.subarray(at - best.start, to - best.start));
      at = to;
    }
    return joined(...pieces);
  }

  /** A copy of the longest end of `[start, end)` that cached spans hold, one after another (empty if none). */
  #cachedBack(start: number, end: number): Uint8Array {
    const pieces: Uint8Array[] = [];
    for (let at = end; at > start;) {
      let best: Span | undefined;
      for (const span of this.#cache) {
        if (
          span.start < at &&
          at <= span.start + span.bytes.length &&
          (best === undefined || span.start < best.start)
        )
          best = span;
      }
      if (best === undefined) break;
      const from = Math.max(start, best.start);
      pieces.unshift(best.bytes.subarray(from - best.start, at - best.start));
      at = from;
    }
    return joined(...pieces);
  }

  /** Whether any byte of `[start, end)` is cached. */
  #holdsCached(start: number, end: number): boolean {
    return end > start && this.#cache.some((s) => s.start < end && start < s.start + s.bytes.length);
  }

  /** Keeps a span, dropping the least recently used ones past the cache's limit. */
  #keep(span: Span): void {
    if (span.bytes.length > this.#cacheLimit) return;
    this.#cache.push(span);
    this.#cachedBytes += span.bytes.length;
    while (this.#cachedBytes > this.#cacheLimit) {
      this.#cachedBytes -= this.#cache.shift()!.bytes.length;
    }
  }

  /** One Range request for `length` bytes at `start`, checked. */
  async #fetchSpan(start: number, length: number): Promise<Span> {
    const options = this.#options;
    const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    const last = start + length - 1;
    const headers = new Headers(options.headers);
    headers.set('range', `bytes=${start}-${last}`);
    const request = new Request(this.url, { headers, signal: options.signal });
    // A request past the limit waits for one in flight to hand its place over.
    if (this.#active >= MAX_PARALLEL_REQUESTS) await new Promise<void>((go) => this.#waiting.push(go));
    else if (this.#active++ === 0) this.#stats.roundTrips++;
    this.#stats.requests++;
    try {
      const response = await fetchChecked(request, { fetch: options.fetch, timeoutMs });
      if (response.redirected || (response.url !== '' && response.url !== this.url)) {
        // Later requests go straight where the redirect led.
        this.url = response.url;
      }
      if (response.status === 200) return await this.#wholeFile(response, start, length);
      if (response.status !== 206) {
        await response.body?.cancel();
        throw this.#error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, {
          status: response.status,
        });
      }
      const range = parseContentRange(response.headers.get('content-range'));
      if (range === undefined) {
        await response.body?.cancel();
        const header = response.headers.get('content-range');
        // A browser hides the header unless the server exposes it to the page (CORS).
        const hint =
          header === null
            ? '; a server read from a web page must send Access-Control-Expose-Headers: Content-Range'
            : '';
        throw this.#error(`answered 206 without a valid Content-Range (${header ?? 'none'})${hint}`);
      }
      this.#learnSize(range.total, response);
      const expectedEnd = Math.min(last, range.total - 1);
      if (range.start !== start || range.end !== expectedEnd) {
        await response.body?.cancel();
        throw this.#error(
          `asked for bytes ${start}-${last}, the server sent ${range.start}-${range.end} of ${range.total}`,
        );
      }
      const bytes = await this.#body(response, range.end - range.start + 1);
      return { start, bytes };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw error;
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#active--;
      else next();
    }
  }

  /** A 200 answer: the whole file, accepted only if the caller allowed it. */
  async #wholeFile(response: Response, start: number, length: number): Promise<Span> {
    const declared = response.headers.get('content-length');
    // A file no longer than the range asked for may come whole: that is exactly what was asked.
    const askedAll = start === 0 && declared !== null && Number(declared) <= length;
    if (!this.#options.allowFullDownload && !askedAll) {
      await response.body?.cancel();
      throw this.#error(
        `the server ignored the Range request and answered with the whole file${
          declared === null ? '' : ` (${declared} bytes)`
        }; remote HDF5 needs a server that honours Range requests (or allowFullDownload to download the file)`,
      );
    }
    const bytes = await this.#body(response, declared === null ? undefined : Number(declared));
    this.#learnSize(bytes.length, response);
    this.#keep({ start: 0, bytes });
    return { start, bytes: bytes.subarray(start, start + length) };
  }

  /** Checks that the file's size is the one every answer gave. */
  #learnSize(total: number, response: Response): void {
    if (this.#size === undefined) {
      this.#size = total;
      return;
    }
    if (total !== this.#size) {
      void response.body?.cancel();
      throw this.#error(`the file's size changed while reading it (${this.#size} bytes, then ${total})`);
    }
  }

  /** Reads a body of `expected` bytes (any length if undefined), giving up if it stalls. */
  async #body(response: Response, expected: number | undefined): Promise<Uint8Array> {
    const reader = response.body?.getReader();
    if (reader === undefined) {
      if (expected === 0 || expected === undefined) return new Uint8Array(0);
      throw this.#error(`the body is empty, expected ${expected} bytes`);
    }
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    const pieces: Uint8Array[] = [];
    let received = 0;
    try {
      for (;;) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stalled = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(this.#error(`the body stalled for ${timeoutMs / 1000} s (timed out)`)),
            timeoutMs,
          );
        });
        let piece: ReadableStreamReadResult<Uint8Array>;
        try {
          piece = await Promise.race([reader.read(), stalled]);
        } finally {
          clearTimeout(timer);
        }
        if (piece.done) break;
        received += piece.value.length;
        if (expected !== undefined && received > expected) {
          throw this.#error(`the body is longer than the ${expected} bytes asked for`);
        }
        pieces.push(piece.value);
      }
    } catch (error) {
      void reader.cancel().catch(() => undefined);
      if (error instanceof HttpRequestError || this.#options.signal?.aborted) throw error;
      throw this.#error(
        `the body was cut short after ${received}${expected === undefined ? '' : ` of ${expected}`} bytes (${describeFetchFailure(error, this.url)})`,
        { cause: error },
      );
    }
    if (expected !== undefined && received !== expected) {
      throw this.#error(`the body was cut short: ${received} of ${expected} bytes`);
    }
    this.#stats.bytes += received;
    if (pieces.length === 1) return pieces[0]!;
    const bytes = new Uint8Array(received);
    let at = 0;
    for (const piece of pieces) {
      bytes.set(piece, at);
      at += piece.length;
    }
    return bytes;
  }

  #error(reason: string, options: { cause?: unknown; status?: number } = {}): HttpRequestError {
    return new HttpRequestError(this.url, reason, options);
  }
}

/** `bytes START-END/TOTAL` (a known total only), else undefined. */
function parseContentRange(header: string | null): { start: number; end: number; total: number } | undefined {
  const match = header === null ? null : /^\s*bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!(start <= end && end < total && Number.isSafeInteger(total))) return undefined;
  return { start, end, total };
}

/**
 * The bytes of `pieces` (one after another, each covered by its request in flight), once their
 * requests have answered; rejects with the first request's failure (an {@link HttpRequestError}
 * naming the URL, or the file's abort reason).
 */
function fromFlights(pieces: readonly Piece[]): Promise<Uint8Array> {
  const parts = pieces.map(({ start, end, flight }) =>
    flight!.span.then((span) => span.bytes.subarray(start - span.start, end - span.start)),
  );
  if (parts.length === 1) return parts[0]!.then((bytes) => bytes.slice());
  return Promise.all(parts).then((got) => joined(...got));
}

/** The pieces one after the other, in one new array. */
function joined(...pieces: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    bytes.set(piece, at);
    at += piece.length;
  }
  return bytes;
}
