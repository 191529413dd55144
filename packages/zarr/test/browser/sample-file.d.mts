/** Types of sample-file.mjs, for the TypeScript side of the browser test. */
import type { DatasetLayout, NdArray, NWBFile } from '@nwbjs/core';

export declare const SHAPE: number[];
export declare const SERIES: Record<string, DatasetLayout>;
export declare function expectedFrames(): Uint16Array;
export declare function sampleFile(identifier: string): NWBFile;
export declare function holdsExpectedFrames(array: NdArray): boolean;
