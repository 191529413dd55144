import * as path from 'node:path';
import { afterAll } from 'vitest';
import type { StorageWriter } from '@nwbjs/core';
import { describeStorageConformance } from '@nwbjs/core/testing';
import { openZarr } from '../src/index.js';
import { tempDir } from './helpers.js';

const temp = await tempDir();
afterAll(() => temp.cleanup());

let n = 0;
const dirTargets = new WeakMap<StorageWriter, string>();
describeStorageConformance('zarr (directory store)', {
  async create() {
    const target = path.join(temp.dir, `store-${n++}.nwb.zarr`);
    const writer = await openZarr(target, 'w-');
    dirTargets.set(writer, target);
    return writer;
  },
  reopen: (writer) => openZarr(dirTargets.get(writer)!, 'r'),
});

const mapTargets = new WeakMap<StorageWriter, Map<string, Uint8Array>>();
describeStorageConformance('zarr (Map store)', {
  async create() {
    const map = new Map<string, Uint8Array>();
    const writer = await openZarr(map, 'w-');
    mapTargets.set(writer, map);
    return writer;
  },
  reopen: (writer) => openZarr(mapTargets.get(writer)!, 'r'),
});
