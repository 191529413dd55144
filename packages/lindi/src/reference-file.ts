/**
 * A LINDI reference file system (`.lindi.json`, or the `lindi.json` inside a `.lindi.tar`): Zarr
 * v2 keys mapped to their content, which is inline (a JSON document, text, or `base64:` bytes) or a
 * byte range `[url, offset, length]` of another file, whose URL may use `{{name}}` templates or be
 * `./`-relative to the reference file. This module loads the file and turns any key into bytes;
 * what the keys mean is the reader's business.
 */
import { BackendError, InvalidFileError, UnsupportedError } from '@nwbjs/core';
import type { JsonValue } from '@nwbjs/zarr/parts';
import { JsonNumber, parseJson, toJsonValue } from '@nwbjs/zarr/parts';
import { fetchChecked } from '@nwbjs/core/backend';
import type { JsonOut } from '@nwbjs/zarr/parts';
import { platform } from '#lindi-platform';
import { MergedRanges } from './merged-ranges.js';
import { FORMAT } from './names.js';
import { type TarFile, readTarIndex } from './tar.js';

/** Where a reference file is: a path, an http(s) URL, or the parsed JSON itself. */
export type LindiSource = string | URL | LindiJson;

/** The JSON of a `.lindi.json`, as `JSON.parse` gives it. */
export interface LindiJson {
  refs: Record<string, unknown>;
  templates?: Record<string, string>;
  version?: number;
  generationMetadata?: unknown;
}

/** Options for reading reference files and the bytes they point at. */
export interface ReferenceOptions {
  /** A fetch to use instead of the global one (auth, presigning, counting). */
  fetch?: (request: Request) => Promise<Response>;
  /** How long each request may wait for the server to start answering, in ms (default 30 000). */
  timeoutMs?: number;
  /**
   * What errors call a reference file given as parsed JSON (such as the name of the file it was
   * read from); default `memory`. A path or URL names itself.
   */
  name?: string;
}

/**
 * Requests made and bytes fetched for chunk ranges (inline values cost nothing). Neighbouring
 * ranges read together go out as one request, counted once with the bytes it asked for.
 */
export interface RangeStats {
  requests: number;
  bytes: number;
}

const encoder = new TextEncoder();

/** A loaded reference file: its refs, templates, and a way to get the bytes of any key. */
export class ReferenceFile {
  /**
   * Where the reference file is, for messages (for one given as an object, its
   * {@link ReferenceOptions.name}, by default `memory`).
   */
  readonly location: string;
  readonly refs: ReadonlyMap<string, JsonValue>;
  readonly templates: ReadonlyMap<string, string>;
  /** Range requests made and bytes they fetched so far. */
  readonly stats: RangeStats = { requests: 0, bytes: 0 };
  readonly #fetch: (request: Request) => Promise<Response>;
  /** For a `.lindi.tar`: its files, which `./` references name. */
  readonly #tar: TarFile | undefined;
  /** Whether the file was given as parsed JSON (its `./` references then lead nowhere). */
  readonly #inMemory: boolean;
  readonly #ranges = new MergedRanges((url, offset, length, what) =>
    this.#request(url, offset, length, what),
  );

  private constructor(
    location: string,
    refs: Map<string, JsonValue>,
    templates: Map<string, string>,
    options: ReferenceOptions,
    where: { tar?: TarFile; inMemory?: boolean } = {},
  ) {
    this.location = location;
    this.refs = refs;
    this.templates = templates;
    this.#fetch = (request) => fetchChecked(request, options);
    this.#tar = where.tar;
    this.#inMemory = where.inMemory === true;
  }

  /** Loads the reference file at `source`. */
  static async load(source: LindiSource, options: ReferenceOptions = {}): Promise<ReferenceFile> {
    if (typeof source === 'object' && !(source instanceof URL)) {
      return ReferenceFile.#fromJson(
        options.name ?? 'memory',
        toJsonValue(source as unknown as JsonOut),
        options,
        {
          inMemory: true,
        },
      );
    }
    let location = source instanceof URL ? source.href : source;
    // A `.lindi.d` directory: its lindi.json, whose `./` references are files of the directory.
    if (!isHttp(location) && (await localFiles(location).isDirectory(location)))
      location = localFiles(location).sibling(`${location}/lindi.json`, './lindi.json');
    const probe = new ReferenceFile(location, new Map(), new Map(), options);
    // A remote .lindi.json is one GET; a .lindi.tar (which may hold big blobs) is read by ranges.
    const remoteJson = isHttp(location) && !/\.tar([?#].*)?$/i.test(location);
    const head = remoteJson
      ? await probe.#whole(location)
      : await probe.#range(location, 0, 1536, 'the reference file');
    if (isTar(head)) {
      const tar = await readTarIndex(head, (offset, length) =>
        remoteJson
          ? Promise.resolve(head.subarray(offset, offset + length))
          : probe.#range(location, offset, length, 'the tar index'),
      );
      const entry = tar.files.get('lindi.json');
      if (entry === undefined)
        throw new InvalidFileError('the .lindi.tar holds no lindi.json', { path: location });
      const bytes = remoteJson
        ? head.subarray(entry.data, entry.data + entry.size)
        : await probe.#range(location, entry.data, entry.size, 'lindi.json');
      return ReferenceFile.#fromJson(location, parseText(bytes, location), options, { tar });
    }
    const bytes = remoteJson ? head : await localFiles(location).read(location);
    return ReferenceFile.#fromJson(location, parseText(bytes, location), options);
  }

  static #fromJson(
    location: string,
    json: JsonValue,
    options: ReferenceOptions,
    where: { tar?: TarFile; inMemory?: boolean } = {},
  ): ReferenceFile {
    if (!(json instanceof Map))
      throw new InvalidFileError('a LINDI file is not a JSON object', { path: location });
    const refs = json.get('refs');
    if (!(refs instanceof Map))
      throw new InvalidFileError('a LINDI file has no "refs" object', { path: location });
    const version = json.get('version');
    if (version !== undefined && !(version instanceof JsonNumber && version.value === 1)) {
      throw new UnsupportedError(`LINDI reference file version ${JSON.stringify(toText(version))}`, {
        path: location,
        feature: 'lindi-version',
        backend: FORMAT,
      });
    }
    const templates = new Map<string, string>();
    const t = json.get('templates');
    if (t instanceof Map) {
      for (const [name, value] of t) {
        if (typeof value !== 'string')
          throw new InvalidFileError(`template ${name} is not a string`, { path: location });
        templates.set(name, value);
      }
    }
    return new ReferenceFile(location, refs, templates, options, where);
  }

  /** Whether `key` has content. */
  has(key: string): boolean {
    return this.refs.has(key);
  }

  /** The content of `key` as bytes, or undefined when there is none. `path` names the node for errors. */
  async bytes(key: string, path: string): Promise<Uint8Array | undefined> {
    const value = this.refs.get(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string') {
      if (value.startsWith('base64:')) return base64Bytes(value.slice(7), key, path);
      return encoder.encode(value);
    }
    if (value instanceof Map) return encoder.encode(JSON.stringify(toText(value)));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      typeof value[0] === 'string' &&
      value[1] instanceof JsonNumber &&
      value[2] instanceof JsonNumber
    ) {
      const offset = value[1].value;
      const length = value[2].value;
      if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0)
        throw new InvalidFileError(`reference ${key} has an impossible offset or length`, { path });
      const bytes = await this.#referenced(this.#expand(value[0], key, path), offset, length, key, path);
      if (bytes.length !== length) {
        throw new InvalidFileError(
          `reference ${key} is cut short: ${bytes.length} of ${length} bytes at ${offset}`,
          { path },
        );
      }
      return bytes;
    }
    throw new InvalidFileError(`reference ${key} is neither inline content nor [url, offset, length]`, {
      path,
    });
  }

  /** The URL of a reference with its `{{name}}` templates filled in. */
  #expand(url: string, key: string, path: string): string {
    return url.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_, name: string) => {
      const value = this.templates.get(name);
      if (value === undefined)
        throw new InvalidFileError(`reference ${key} uses the unknown template {{${name}}}`, { path });
      return value;
    });
  }

  async #referenced(
    url: string,
    offset: number,
    length: number,
    key: string,
    path: string,
  ): Promise<Uint8Array> {
    if (url.startsWith('./')) {
      if (this.#tar !== undefined) {
        const file = this.#tar.files.get(url.slice(2));
        if (file === undefined)
          throw new InvalidFileError(`reference ${key} names ${url}, which the .lindi.tar lacks`, { path });
        if (offset + length > file.size)
          throw new InvalidFileError(`reference ${key} reaches past the end of ${url}`, { path });
        return this.#range(this.location, file.data + offset, length, key);
      }
      if (this.#inMemory || isHttp(this.location)) {
        const base = this.#inMemory ? undefined : new URL(url, this.location).href;
        if (base === undefined)
          throw new UnsupportedError(
            `reference ${key} is relative (${url}) in a reference file given in memory`,
            {
              path,
              feature: 'lindi-relative-reference',
              backend: FORMAT,
            },
          );
        return this.#range(base, offset, length, key);
      }
      return this.#range(localFiles(this.location).sibling(this.location, url), offset, length, key);
    }
    return this.#range(url, offset, length, key);
  }

  /**
   * `length` bytes at `offset` of the file or URL `where`; `what` names what is read. Ranges of a
   * URL read together are merged into few requests ({@link MergedRanges}).
   */
  async #range(where: string, offset: number, length: number, what: string): Promise<Uint8Array> {
    if (length === 0) return new Uint8Array(0);
    if (isHttp(where)) return this.#ranges.read(where, offset, length, what);
    this.stats.requests += 1;
    this.stats.bytes += length;
    const file = where.startsWith('file://') ? decodeURIComponent(new URL(where).pathname) : where;
    return localFiles(where).readRange(file, offset, length);
  }

  /** One Range request for `length` bytes at `offset` of the URL `where`, checked. */
  async #request(where: string, offset: number, length: number, what: string): Promise<Uint8Array> {
    this.stats.requests += 1;
    this.stats.bytes += length;
    let response: Response;
    try {
      response = await this.#fetch(
        new Request(where, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } }),
      );
    } catch (cause) {
      throw new BackendError(`could not read ${what} from ${where}${reasonOf(cause)}`, {
        path: where,
        backend: FORMAT,
        cause,
      });
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new BackendError(`could not read ${what} from ${where}: HTTP ${response.status}`, {
        path: where,
        backend: FORMAT,
      });
    }
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.status === 206) return body;
    // A server that ignores Range sends the whole file: usable only for a read from its start.
    if (offset === 0 && body.length <= length) return body;
    throw new BackendError(
      `could not read ${what}: ${where} does not honour HTTP Range requests (it sent ${body.length} bytes with status ${response.status})`,
      { path: where, backend: FORMAT },
    );
  }

  /** The whole file at an http(s) URL. */
  async #whole(url: string): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await this.#fetch(new Request(url));
    } catch (cause) {
      throw new BackendError(`could not read ${url}${reasonOf(cause)}`, {
        path: url,
        backend: FORMAT,
        cause,
      });
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new BackendError(`could not read ${url}: HTTP ${response.status}`, {
        path: url,
        backend: FORMAT,
      });
    }
    return new Uint8Array(await response.arrayBuffer());
  }
}

function reasonOf(cause: unknown): string {
  const reason = (cause as { reason?: unknown }).reason;
  return typeof reason === 'string' ? `: ${reason}` : '';
}

/** True for http(s) URLs. */
export function isHttp(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

function localFiles(location: string) {
  const files = platform.files;
  if (files === undefined) {
    throw new UnsupportedError(`${location} is a path, and this platform has no files (give a URL)`, {
      path: location,
      feature: 'local-files',
      backend: FORMAT,
    });
  }
  return files;
}

/** Whether the first bytes are a ustar tar header's (`ustar` at 257). */
export function isTar(head: Uint8Array): boolean {
  return (
    head.length >= 263 &&
    head[257] === 0x75 &&
    head[258] === 0x73 &&
    head[259] === 0x74 &&
    head[260] === 0x61 &&
    head[261] === 0x72
  );
}

function parseText(bytes: Uint8Array, location: string): JsonValue {
  try {
    return parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new InvalidFileError('not a LINDI file: not valid JSON', { path: location, cause });
  }
}

function base64Bytes(text: string, key: string, path: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1)
    throw new InvalidFileError(`inline content of ${key} is not valid base64`, { path });
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Plain JS of a parsed value, for messages and re-serialization. */
function toText(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return value.value;
  if (Array.isArray(value)) return value.map(toText);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, toText(v)]));
  return value;
}
