/**
 * Datetimes as NWB stores them: ISO 8601 text with a UTC offset. A JS Date is an instant and
 * forgets the offset it was written with, so this class keeps the instant, the offset and (when
 * parsed) the exact text, and formats new values the way PyNWB does (Python `isoformat()`).
 */
import { ValidationError } from '../errors.js';

/** Options of {@link NWBDateTime.parse}. */
export interface ParseDateTimeOptions {
  /**
   * Accept text without an offset (old files have it). The value is then marked `naive`, computed
   * as if it were UTC, and written back exactly as read. Default false: naive text is refused.
   */
  allowNaive?: boolean;
  /** Names the field in error messages. */
  path?: string;
}

/** What a datetime can be given as: parsed ISO text, an {@link NWBDateTime}, or a Date (local offset). */
export type DateTimeInput = NWBDateTime | string | Date;

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
/** ISO 8601's basic format, without separators (`20180301T120000`, as MatNWB writes it). */
const ISO_BASIC_PATTERN =
  /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?:\d{2})?)?$/;

/**
 * An instant with the UTC offset it is expressed in, to the microsecond.
 *
 * `toIsoString()` gives `2018-04-25T02:30:03-07:00`: six fraction digits only when the microseconds
 * are not zero, UTC as `+00:00`. A value parsed from text keeps that text (`text`), so reading and
 * writing a file changes nothing.
 */
export class NWBDateTime {
  /** Offset from UTC in minutes, east positive (`-420` for `-07:00`). */
  readonly offsetMinutes: number;
  /** True when parsed from text without an offset (computed as UTC). */
  readonly naive: boolean;
  readonly #epochSeconds: number;
  readonly #microsecond: number;
  readonly #source: string | undefined;

  private constructor(
    epochSeconds: number,
    microsecond: number,
    offsetMinutes: number,
    naive: boolean,
    source?: string,
  ) {
    this.#epochSeconds = epochSeconds;
    this.#microsecond = microsecond;
    this.offsetMinutes = offsetMinutes;
    this.naive = naive;
    this.#source = source;
  }

  /**
   * Parses ISO 8601 text with an offset (`Z`, `+HH:MM`, `+HHMM` or `+HH`), in the extended format
   * (`2018-03-01T12:00:00`) or the basic one (`20180301T120000`, which PyNWB reads too); fractions
   * beyond microseconds are truncated. The text is kept as written. Throws a ValidationError (rule `datetime`) for anything else,
   * including text without an offset unless `allowNaive`.
   */
  static parse(text: string, options: ParseDateTimeOptions = {}): NWBDateTime {
    const path = options.path ?? 'datetime';
    const bad = (why: string) =>
      new ValidationError(`${JSON.stringify(text)} is not an ISO 8601 datetime: ${why}`, {
        path,
        rule: 'datetime',
      });
    const m = ISO_PATTERN.exec(text.trim()) ?? ISO_BASIC_PATTERN.exec(text.trim());
    if (m === null) throw bad('expected YYYY-MM-DDTHH:MM:SS[.ffffff]+HH:MM');
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac, zone] = m;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h);
    const minute = Number(mi);
    const second = Number(s);
    if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59)
      throw bad('a field is out of range');
    const wall = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
    const check = new Date(wall * 1000);
    if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) throw bad('no such day');
    const microsecond = frac === undefined ? 0 : Number(frac.slice(0, 6).padEnd(6, '0'));
    let offset = 0;
    let naive = false;
    if (zone === undefined) {
      if (options.allowNaive !== true) {
        throw new ValidationError(
          `${JSON.stringify(text)} has no UTC offset; NWB needs one (e.g. "2018-04-25T02:30:03-07:00" or "...Z")`,
          { path, rule: 'datetime-offset' },
        );
      }
      naive = true;
    } else if (zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const oh = Number(digits.slice(0, 2));
      const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
      if (oh > 23 || om > 59) throw bad('the offset is out of range');
      offset = sign * (oh * 60 + om);
    }
    return new NWBDateTime(wall - offset * 60, microsecond, offset, naive, text);
  }

  /** The instant `date` expressed at `offsetMinutes` from UTC (east positive, `-420` for `-07:00`). */
  static fromDate(date: Date, offsetMinutes: number): NWBDateTime {
    const ms = date.getTime();
    if (!Number.isFinite(ms))
      throw new ValidationError('invalid Date', { path: 'datetime', rule: 'datetime' });
    if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) >= 24 * 60) {
      throw new ValidationError(`invalid UTC offset ${offsetMinutes} minutes`, {
        path: 'datetime',
        rule: 'datetime',
      });
    }
    const seconds = Math.floor(ms / 1000);
    return new NWBDateTime(seconds, (ms - seconds * 1000) * 1000, offsetMinutes, false);
  }

  /** The instant `date` at this machine's local offset for that instant. */
  static fromLocalDate(date: Date): NWBDateTime {
    return NWBDateTime.fromDate(date, -date.getTimezoneOffset());
  }

  /** Now, at this machine's local offset (PyNWB's default for file_create_date). */
  static now(): NWBDateTime {
    return NWBDateTime.fromLocalDate(new Date());
  }

  /** Text is parsed (an offset is required), a Date gets the local offset, an NWBDateTime is kept. */
  static from(input: DateTimeInput, path?: string): NWBDateTime {
    if (input instanceof NWBDateTime) return input;
    if (input instanceof Date) return NWBDateTime.fromLocalDate(input);
    return NWBDateTime.parse(input, path === undefined ? {} : { path });
  }

  /** Microseconds within the second (0-999999). */
  get microsecond(): number {
    return this.#microsecond;
  }

  /** The instant as a Date (microseconds are truncated to milliseconds). */
  toDate(): Date {
    return new Date(this.#epochSeconds * 1000 + Math.floor(this.#microsecond / 1000));
  }

  /** Milliseconds since the Unix epoch (fractional below the millisecond). */
  get epochMilliseconds(): number {
    return this.#epochSeconds * 1000 + this.#microsecond / 1000;
  }

  /** PyNWB's spelling: `YYYY-MM-DDTHH:MM:SS[.ffffff]+HH:MM` (no offset when naive). */
  toIsoString(): string {
    const wall = new Date((this.#epochSeconds + this.offsetMinutes * 60) * 1000);
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    let text =
      `${p(wall.getUTCFullYear(), 4)}-${p(wall.getUTCMonth() + 1)}-${p(wall.getUTCDate())}` +
      `T${p(wall.getUTCHours())}:${p(wall.getUTCMinutes())}:${p(wall.getUTCSeconds())}`;
    if (this.#microsecond !== 0) text += `.${p(this.#microsecond, 6)}`;
    if (this.naive) return text;
    const abs = Math.abs(this.offsetMinutes);
    return `${text}${this.offsetMinutes < 0 ? '-' : '+'}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
  }

  /** The text to store: exactly what was parsed, or {@link toIsoString} for values made otherwise. */
  get text(): string {
    return this.#source ?? this.toIsoString();
  }

  /** Same instant (offsets may differ). */
  equals(other: NWBDateTime): boolean {
    return this.#epochSeconds === other.#epochSeconds && this.#microsecond === other.#microsecond;
  }

  /** The stored text (see {@link text}). */
  toString(): string {
    return this.text;
  }

  /** The stored text, so JSON keeps the offset. */
  toJSON(): string {
    return this.text;
  }
}
