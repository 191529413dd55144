/** Object paths: the one set of helpers the tree, the mapping and both backends use. */
import { describe, expect, it } from 'vitest';
import {
  baseName,
  isValidChildName,
  joinPath,
  normalizePath,
  parentPath,
  pathNames,
} from '../src/backend.js';

describe('paths', () => {
  it('normalizes absolute paths and refuses ones that name nothing', () => {
    expect(normalizePath('/')).toBe('/');
    expect(normalizePath('//a//b/')).toBe('/a/b');
    expect(normalizePath('a/b')).toBeUndefined();
    expect(normalizePath('/a/../b')).toBeUndefined();
    expect(normalizePath('/a/./b')).toBeUndefined();
    expect(normalizePath(42 as unknown as string)).toBeUndefined();
  });

  it('joins, splits and names paths the same way for the root and below', () => {
    expect(joinPath('/', 'a')).toBe('/a');
    expect(joinPath('/a', 'b')).toBe('/a/b');
    expect(parentPath('/a/b')).toBe('/a');
    expect(parentPath('/a')).toBe('/');
    expect(parentPath('/')).toBe('/');
    expect(baseName('/a/b')).toBe('b');
    expect(baseName('/')).toBe('');
    expect(pathNames('/')).toEqual([]);
    expect(pathNames('/a/b')).toEqual(['a', 'b']);
  });

  it('accepts child names that cannot be read as something else', () => {
    expect(isValidChildName('data')).toBe(true);
    for (const bad of ['', '.', '..', 'a/b']) expect(isValidChildName(bad)).toBe(false);
  });
});
