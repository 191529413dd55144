/** Device: an acquisition device (camera, microscope), kept under /general/devices. */
import type { NWBObjectOptions } from './nwb-object.js';
import { NWBObject } from './nwb-object.js';
import type { ModelContext } from './validation.js';

/** Options of {@link Device}. */
export interface DeviceOptions extends NWBObjectOptions {
  /** What the device is and how it was used. */
  description?: string;
  /** Who made it. */
  manufacturer?: string;
}

/** A device (neurodata_type Device). */
export class Device extends NWBObject {
  /** What the device is and how it was used. */
  readonly description: string | undefined;
  /** Who made it. */
  readonly manufacturer: string | undefined;

  /** Throws a ValidationError for an invalid name. */
  constructor(options: DeviceOptions, context: ModelContext = {}) {
    super(options, context);
    this.description = options.description;
    this.manufacturer = options.manufacturer;
    if (new.target === Device) this.runChecks();
  }

  /** Always `Device`. */
  get neurodataType(): string {
    return 'Device';
  }
}
