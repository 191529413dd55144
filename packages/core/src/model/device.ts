/** Device: an acquisition device (camera, microscope), kept under /general/devices. */
import type { NwbObjectOptions } from './nwb-object.js';
import { NwbObject } from './nwb-object.js';
import type { ModelContext } from './validation.js';

/** Options of {@link Device}. */
export interface DeviceOptions extends NwbObjectOptions {
  description?: string;
  manufacturer?: string;
}

/** A device (neurodata_type Device). */
export class Device extends NwbObject {
  readonly description: string | undefined;
  readonly manufacturer: string | undefined;

  constructor(options: DeviceOptions, context: ModelContext = {}) {
    super(options, context);
    this.description = options.description;
    this.manufacturer = options.manufacturer;
    if (new.target === Device) this.runChecks();
  }

  get neurodataType(): string {
    return 'Device';
  }
}
