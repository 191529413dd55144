/** NWBDateTime: offsets kept, PyNWB's spelling, exact round trip of parsed text. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { NWBDateTime } from '../src/model/datetime.js';

describe('NWBDateTime', () => {
  it('keeps the offset and the parsed text', () => {
    const t = NWBDateTime.parse('2018-04-25T02:30:03-07:00');
    expect(t.offsetMinutes).toBe(-420);
    expect(t.text).toBe('2018-04-25T02:30:03-07:00');
    expect(t.toIsoString()).toBe('2018-04-25T02:30:03-07:00');
    expect(t.toDate().toISOString()).toBe('2018-04-25T09:30:03.000Z');
    expect(`${t}`).toBe('2018-04-25T02:30:03-07:00');
    expect(JSON.stringify({ t })).toBe('{"t":"2018-04-25T02:30:03-07:00"}');
  });

  it('formats as Python isoformat', () => {
    expect(NWBDateTime.parse('2024-01-01T12:00:00Z').toIsoString()).toBe('2024-01-01T12:00:00+00:00');
    expect(NWBDateTime.parse('2024-01-01T12:00:00Z').text).toBe('2024-01-01T12:00:00Z');
    expect(NWBDateTime.parse('2024-01-01T12:00:00.5+0530').toIsoString()).toBe(
      '2024-01-01T12:00:00.500000+05:30',
    );
    expect(NWBDateTime.parse('2024-01-01T12:00:00.1234567-01').toIsoString()).toBe(
      '2024-01-01T12:00:00.123456-01:00',
    );
    expect(NWBDateTime.parse('2024-01-01T12:00:00.000000+00:00').toIsoString()).toBe(
      '2024-01-01T12:00:00+00:00',
    );
    const d = NWBDateTime.fromDate(new Date(Date.UTC(2018, 3, 25, 9, 30, 3, 250)), -420);
    expect(d.toIsoString()).toBe('2018-04-25T02:30:03.250000-07:00');
    expect(d.text).toBe(d.toIsoString());
    expect(d.equals(NWBDateTime.parse('2018-04-25T09:30:03.25Z'))).toBe(true);
    const before1970 = NWBDateTime.fromDate(new Date(-1500), 60);
    expect(before1970.toIsoString()).toBe('1970-01-01T00:59:58.500000+01:00');
  });

  it('rejects naive and malformed text with a clear error', () => {
    expect(() => NWBDateTime.parse('2018-04-25T02:30:03')).toThrow(/no UTC offset/);
    expect(() => NWBDateTime.parse('2018-04-25T02:30:03')).toThrow(ValidationError);
    expect(() => NWBDateTime.parse('2018-02-30T02:30:03Z')).toThrow(/no such day/);
    expect(() => NWBDateTime.parse('2018-04-25T25:30:03Z')).toThrow(/out of range/);
    expect(() => NWBDateTime.parse('April 25')).toThrow(/ISO 8601/);
    expect(() => NWBDateTime.fromDate(new Date(0), 24 * 60)).toThrow(/offset/);
  });

  it('accepts naive text only when asked, and writes it back unchanged', () => {
    const t = NWBDateTime.parse('2018-04-25T02:30:03', { allowNaive: true });
    expect(t.naive).toBe(true);
    expect(t.text).toBe('2018-04-25T02:30:03');
    expect(t.toIsoString()).toBe('2018-04-25T02:30:03');
  });

  it('reads the ISO basic format (MatNWB writes 20180301T120000), keeping the text', () => {
    const t = NWBDateTime.parse('20180301T120000', { allowNaive: true });
    expect(t.naive).toBe(true);
    expect(t.text).toBe('20180301T120000');
    expect(t.toIsoString()).toBe('2018-03-01T12:00:00');
    expect(() => NWBDateTime.parse('20180301T120000')).toThrow(/no UTC offset/);
    expect(NWBDateTime.parse('20180301T120000.25-0700').toIsoString()).toBe(
      '2018-03-01T12:00:00.250000-07:00',
    );
    expect(NWBDateTime.parse('20180301Z').toIsoString()).toBe('2018-03-01T00:00:00+00:00');
    expect(() => NWBDateTime.parse('20180230T120000Z')).toThrow(/no such day/);
  });

  it('makes now() and Dates at the local offset', () => {
    const now = NWBDateTime.now();
    expect(now.offsetMinutes).toBe(-new Date().getTimezoneOffset());
    const date = new Date(Date.UTC(2020, 0, 1));
    expect(NWBDateTime.from(date).toDate().getTime()).toBe(date.getTime());
    expect(NWBDateTime.from('2020-01-01T00:00:00Z').offsetMinutes).toBe(0);
  });
});
