/**
 * The TypeRegistry: which mapper reads and writes each NWB type, as HDMF's TypeMap. Adding a type
 * to the model costs its mapper file in `types/` and one `register` line below.
 */
import type { NWBObject } from '../model/nwb-object.js';
import { nwbTypesOf } from '../model/nwb-object.js';
import { GrayscaleImage, Image, RGBAImage, RGBImage } from '../model/images.js';
import type { TypeMapper } from './type-mapper.js';
import { deviceMapper } from './types/device.js';
import { imageMapper } from './types/image.js';
import { imageSeriesMapper } from './types/image-series.js';
import { imagesMapper } from './types/images.js';
import { indexSeriesMapper } from './types/index-series.js';
import { opticalSeriesMapper } from './types/optical-series.js';
import { processingModuleMapper } from './types/processing-module.js';
import { subjectMapper } from './types/subject.js';
import { timeSeriesMapper } from './types/time-series.js';

/** Mappers by neurodata_type (namespace core). */
export class TypeRegistry {
  readonly #mappers = new Map<string, TypeMapper>();

  /** Adds `mapper` for its neurodata_type, replacing one registered before. */
  register<T extends NWBObject>(mapper: TypeMapper<T>): this {
    this.#mappers.set(mapper.neurodataType, mapper as unknown as TypeMapper);
    return this;
  }

  /** The mapper reading a stored group or dataset of neurodata_type `type`, if any. */
  forStored(type: string, kind: 'group' | 'dataset'): TypeMapper | undefined {
    const mapper = this.#mappers.get(type);
    return mapper?.kind === kind ? mapper : undefined;
  }

  /** The mapper writing `object`: its own type's, else that of the nearest type it extends. */
  forObject(object: NWBObject): TypeMapper | undefined {
    for (const type of nwbTypesOf(object)) {
      const mapper = this.#mappers.get(type);
      if (mapper !== undefined) return mapper;
    }
    return undefined;
  }
}

/** The types of the NWB core namespace the model maps. */
export const coreTypes = new TypeRegistry()
  .register(timeSeriesMapper)
  .register(imageSeriesMapper)
  .register(opticalSeriesMapper)
  .register(indexSeriesMapper)
  .register(imageMapper(Image))
  .register(imageMapper(GrayscaleImage))
  .register(imageMapper(RGBImage))
  .register(imageMapper(RGBAImage))
  .register(imagesMapper)
  .register(deviceMapper)
  .register(subjectMapper)
  .register(processingModuleMapper);
