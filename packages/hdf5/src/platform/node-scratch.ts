/**
 * Scratch files in Node: h5wasm/node has no in-memory file system (its file system is the real
 * one), so bytes to read are written to a private temporary directory and a file written "in
 * memory" is created there and read back when closed. The file is therefore not limited by the
 * WASM heap in Node; each one gets its own directory, removed with it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ScratchFiles } from './types.js';

function freshPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'nwbjs-hdf5-scratch-')), 'file.h5');
}

/** Scratch files in the operating system's temporary directory. */
export const nodeScratch: ScratchFiles = {
  put(_module, bytes) {
    const path = freshPath();
    try {
      writeFileSync(path, bytes);
    } catch (error) {
      rmSync(dirname(path), { recursive: true, force: true });
      throw error;
    }
    return path;
  },
  reserve: () => freshPath(),
  read(_module, path) {
    const buffer = readFileSync(path);
    // A Buffer may be a view of a shared pool; the bytes handed out must own their ArrayBuffer.
    return buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength
      ? new Uint8Array(buffer.buffer as ArrayBuffer)
      : new Uint8Array(buffer);
  },
  remove(_module, path) {
    rmSync(dirname(path), { recursive: true, force: true });
  },
};
