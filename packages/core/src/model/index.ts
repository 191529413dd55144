/** The NWB data model: typed, validated objects, no I/O. */
export * from './validation.js';
export * from './datetime.js';
export { isInMemory, toDatasetValue } from './data.js';
export type { DataInput } from './data.js';
export * from './nwb-object.js';
export * from './named-collection.js';
export * from './time-series.js';
export * from './device.js';
export * from './images.js';
export * from './image-series.js';
export * from './subject.js';
export * from './processing-module.js';
export * from './nwb-file.js';
