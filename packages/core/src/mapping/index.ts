/** The object mapper between the data model and the neutral tree, and whole-file I/O. */
export { nwbFileToTree } from './write-file.js';
export type { ToTreeOptions } from './write-file.js';
export { treeToNWBFile } from './read-file.js';
export { readNWBFile, writeNWBFile } from './nwb-io.js';
export type { WriteNWBFileOptions } from './nwb-io.js';
export { WRITE_DTYPES } from './values.js';
