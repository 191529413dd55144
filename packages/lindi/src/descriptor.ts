/**
 * LINDI as the rest of nwbjs sees it: files holding a LINDI reference file, told by content (a JSON
 * object with `refs`, or a `.lindi.tar`), `.lindi.d` directories (holding `lindi.json`), and URLs
 * told by their name or the first bytes a probe fetched; opened for reading with {@link openLindi}.
 * They are not created through the storage interface: `writeLindi` indexes an HDF5 file.
 */
import type { BackendDescriptor } from '@nwbjs/core/backend';
import { UnsupportedError } from '@nwbjs/core';
import { FORMAT } from './names.js';
import type { LindiBackend, OpenLindiOptions } from './reader.js';
import { openLindi } from './reader.js';
import { isTar } from './reference-file.js';

const HEAD_BYTES = 4096;
const decoder = new TextDecoder();

/** Whether a file's first bytes are a LINDI reference file's (JSON with `refs` near the top) or a `.lindi.tar`. */
export function looksLikeLindi(head: Uint8Array): boolean {
  if (isTar(head)) return decoder.decode(head.subarray(0, 100)).startsWith('.tar_entry.json');
  const text = decoder.decode(head);
  return /^\s*\{/.test(text) && /"refs"\s*:\s*\{/.test(text);
}

/** The LINDI format's descriptor, for NWBIO and apps that pick a format by asking. */
export const lindiDescriptor: BackendDescriptor<string, OpenLindiOptions | undefined, LindiBackend> = {
  format: FORMAT,
  extensions: ['.lindi.json'],
  headBytes: HEAD_BYTES,
  recognizes: async (probe) =>
    probe.kind === 'file'
      ? looksLikeLindi(probe.head)
      : probe.kind === 'directory'
        ? (await probe.has('lindi.json')) && !(await probe.has('.zgroup'))
        : /\.lindi\.(json|tar)([?#].*)?$/i.test(probe.location) || looksLikeLindi(probe.head),
  open: (location, mode, options) => {
    if (mode !== 'r') {
      return Promise.reject(
        new UnsupportedError('LINDI files are not written through the storage interface (use writeLindi)', {
          path: location,
          feature: 'lindi-write',
          backend: FORMAT,
        }),
      );
    }
    return openLindi(location, options ?? {});
  },
  describe: (location) => location,
  writeDefaults: {},
};
