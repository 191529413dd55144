/** Node: files by path through node:fs. */
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { NotFoundError } from '@nwbjs/core';
import type { Platform } from './types.js';

function missing(path: string, cause: unknown): never {
  if ((cause as { code?: unknown }).code === 'ENOENT')
    throw new NotFoundError('no such file', { path, cause });
  throw cause;
}

export const platform: Platform = {
  files: {
    async read(path) {
      return readFile(path).catch((cause: unknown) => missing(path, cause));
    },
    async readRange(path, offset, length) {
      const handle = await open(path, 'r').catch((cause: unknown) => missing(path, cause));
      try {
        const out = new Uint8Array(length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(out, filled, length - filled, offset + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return filled === length ? out : out.subarray(0, filled);
      } finally {
        await handle.close();
      }
    },
    async isDirectory(path) {
      return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
    },
    async size(path) {
      return (await stat(path).catch((cause: unknown) => missing(path, cause))).size;
    },
    async writeText(path, text) {
      const temp = `${path}.${process.pid}.${Date.now()}.partial`;
      try {
        await writeFile(temp, text, { flag: 'wx' });
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    absolute(path) {
      return resolve(path);
    },
    sibling(file, relative) {
      return resolve(dirname(file), relative);
    },
  },
};
