/**
 * Scratch files in Emscripten's in-memory file system (MEMFS), the file system of h5wasm's default
 * build: the whole file lives in JavaScript memory while it is open. Bytes to read are handed to
 * MEMFS without a copy (MEMFS keeps a view of them); a written file is copied out when closed.
 */
import type { ScratchFiles } from './types.js';

const DIRECTORY = '/nwbjs-scratch';
let counter = 0;

/** Scratch files under /nwbjs-scratch in h5wasm's MEMFS. */
export const memfsScratch: ScratchFiles = {
  put(module, bytes) {
    const path = freshPath(module);
    // canOwn: MEMFS takes the array as the file's content instead of copying it.
    (module.FS.writeFile as (path: string, data: Uint8Array, opts: { canOwn: boolean }) => void)(
      path,
      bytes,
      {
        canOwn: true,
      },
    );
    return path;
  },
  reserve: (module) => freshPath(module),
  read: (module, path) => module.FS.readFile(path) as Uint8Array<ArrayBuffer>,
  remove(module, path) {
    if (module.FS.analyzePath(path, false).exists) module.FS.unlink(path);
  },
};

function freshPath(module: Parameters<ScratchFiles['reserve']>[0]): string {
  if (!module.FS.analyzePath(DIRECTORY, false).exists) module.FS.mkdir(DIRECTORY);
  counter += 1;
  return `${DIRECTORY}/${counter}.h5`;
}
