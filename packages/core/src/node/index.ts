/**
 * `@nwbjs/core/node`: what backends that write to a Node file system share. Not part of the main
 * entry, which runs in browsers too.
 *
 * @packageDocumentation
 */
export * from './temporary-siblings.js';
export * from './positioned-reads.js';
