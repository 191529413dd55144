/**
 * Errors in words for the page. The library's errors say what failed and where; the page also
 * says what it means for the user (wrong URL, server not allowing the page, a format or codec the
 * library cannot read yet) and what to try.
 */
import { HttpRequestError, isNWBError } from '@nwbjs/core';
import type { RequestLog } from './request-log.js';
import type { ViewerProblem } from './types.js';

/** Problems the viewer finds itself, before or around the library. */
export type ViewerErrorKind =
  'bad-url' | 'http' | 'lindi' | 'zarr-file' | 'not-zarr-folder' | 'not-nwb' | 'no-file';

/** An error of the viewer's own, with the kind that decides its message. */
export class ViewerError extends Error {
  override readonly name = 'ViewerError';
  readonly kind: ViewerErrorKind;
  readonly location: string | undefined;
  readonly status: number | undefined;

  constructor(
    kind: ViewerErrorKind,
    message: string,
    options: { cause?: unknown; location?: string; status?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.location = options.location;
    this.status = options.status;
  }
}

/** True for the rejection of an aborted read (not a problem: the user moved on). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

const CORS_HINT =
  'The server may be down or the address wrong, or the server does not allow pages from other sites ' +
  'to read it: for a page to stream a file, its server must send Access-Control-Allow-Origin (CORS).';

function chain(error: unknown): unknown[] {
  const errors: unknown[] = [];
  for (let e = error; e !== undefined && errors.length < 8; e = (e as { cause?: unknown }).cause) {
    errors.push(e);
    if (typeof e !== 'object' || e === null) break;
  }
  return errors;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function httpProblem(status: number, url: string): ViewerProblem {
  if (status === 404)
    return {
      title: 'Nothing at this URL (404 Not Found)',
      detail: `The server has no file at ${url}. Check the address; a Zarr store's URL is its folder (ending in .nwb.zarr).`,
      technical: undefined,
    };
  if (status === 401 || status === 403)
    return {
      title: `Access denied (${status})`,
      detail: `The server refused to give ${url} to this page. The file may be private or the link may have expired.`,
      technical: undefined,
    };
  return {
    title: `The server answered ${status}`,
    detail: `Reading ${url} failed on the server's side. Try again later.`,
    technical: undefined,
  };
}

/**
 * The problem to show for `error`, or undefined when the error is an abort. `log` tells what the
 * server answered to the requests made after the mark `since` (those that led to the error);
 * `location` is what the user opened.
 */
export function describeProblem(
  error: unknown,
  log?: RequestLog,
  since = 0,
  location?: string,
): ViewerProblem | undefined {
  if (isAbort(error)) return undefined;
  const technical = chain(error)
    .map(messageOf)
    .filter((m, i, all) => m !== '' && all.indexOf(m) === i)
    .join(' ← ');
  const withTechnical = (problem: ViewerProblem): ViewerProblem => ({ ...problem, technical });

  if (error instanceof ViewerError) {
    const where = error.location ?? '';
    switch (error.kind) {
      case 'http':
        return withTechnical(httpProblem(error.status ?? 0, where));
      case 'bad-url':
        return withTechnical({
          title: 'This is not a URL the viewer can open',
          detail: 'Give an http(s) address of an NWB file (.nwb) or of a Zarr NWB store (.nwb.zarr).',
          technical: undefined,
        });
      case 'lindi':
        return withTechnical({
          title: 'Not a LINDI index the viewer can read',
          detail:
            `${where}: ${error.message}. A .lindi.json file is JSON with "refs"; a .lindi.tar archive is ` +
            'opened from its URL (it can hold large blobs, read by Range requests).',
          technical: undefined,
        });
      case 'zarr-file':
        return withTechnical({
          title: 'A Zarr store is a folder',
          detail: 'Open the .nwb.zarr folder with "Open folder", or drop the folder itself on the page.',
          technical: undefined,
        });
      case 'not-zarr-folder':
        return withTechnical({
          title: 'No NWB Zarr store in this folder',
          detail:
            'Pick the .nwb.zarr folder itself (it holds a .zgroup file), or an .nwb file with "Open file".',
          technical: undefined,
        });
      case 'not-nwb':
        return withTechnical({
          title: 'Not an NWB file',
          detail: `${where} was read, but its root is not NWB (no nwb_version attribute).`,
          technical: undefined,
        });
      case 'no-file':
        return withTechnical({ title: 'Nothing to open', detail: error.message, technical: undefined });
    }
  }

  // What the server said matters more than what the library concluded from it. A fetch that got
  // no response at all (refused, CORS, offline) rejects with a TypeError.
  const outcomes = log?.outcomes(since) ?? [];
  if (chain(error).some((e) => e instanceof TypeError)) {
    const unreachable = [...outcomes].reverse().find((o) => o.status === undefined && !isAbort(o.error));
    if (unreachable !== undefined)
      return withTechnical({
        title: `Could not read ${unreachable.url}`,
        detail: CORS_HINT,
        technical: undefined,
      });
  }
  const failed = [...outcomes].reverse().find((o) => o.status !== undefined && o.status >= 400);
  if (failed !== undefined && failed.status !== 404)
    return withTechnical(httpProblem(failed.status!, failed.url));

  for (const e of chain(error)) {
    if (e instanceof HttpRequestError) {
      if (e.status === 404) return withTechnical(httpProblem(404, e.url));
      if (e.status === undefined)
        return withTechnical({ title: `Could not read ${e.url}`, detail: e.reason, technical: undefined });
    }
    if (isNWBError(e, 'UnsupportedError')) {
      const feature = e.feature ?? '';
      if (feature.startsWith('compression:') || feature.startsWith('filter'))
        return withTechnical({
          title: `Unsupported codec: ${feature.replace(/^(compression|filters?):?/, '') || 'unknown'}`,
          detail: `${e.path ?? 'A dataset'} is compressed with a codec this viewer cannot decode.`,
          technical: undefined,
        });
      return withTechnical({
        title: 'Not supported',
        detail: e.message,
        technical: undefined,
      });
    }
    if (isNWBError(e, 'NotFoundError') && failed?.status === 404)
      return withTechnical(httpProblem(404, location ?? failed.url));
    if (isNWBError(e, 'InvalidFileError')) {
      const message = e.message;
      if (/chunk .* is corrupt/.test(message))
        return withTechnical({
          title: 'A chunk could not be decoded',
          detail: `${e.path ?? 'A dataset'}: the stored chunk is damaged or uses a codec this viewer lacks.`,
          technical: undefined,
        });
      return withTechnical({
        title: 'Not an NWB file the viewer can read',
        detail:
          'The location was read, but it is neither an NWB HDF5 file, a LINDI index of one, nor an NWB Zarr store ' +
          `(${message}).`,
        technical: undefined,
      });
    }
    if (isNWBError(e, 'NotFoundError'))
      return withTechnical({ title: 'Not found', detail: e.message, technical: undefined });
  }
  return withTechnical({
    title: 'Something went wrong',
    detail: messageOf(error),
    technical: undefined,
  });
}
