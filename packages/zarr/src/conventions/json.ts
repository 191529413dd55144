/**
 * JSON as zarr-python writes it, read and written without losing what `JSON.parse` loses: whether
 * a number was written as an integer (`1`) or a float (`1.0`), integers beyond 2^53, and the
 * `NaN` / `Infinity` / `-Infinity` tokens Python's json module emits. Objects are `Map`s, so a key
 * such as `__proto__` from a hostile store is just a key.
 */

/** A number as written: its text, and whether it was written as a float. */
export class JsonNumber {
  constructor(
    readonly text: string,
    readonly isFloat: boolean,
  ) {}

  /** The value as a JS number (may round for integers beyond 2^53). */
  get value(): number {
    return Number(this.text);
  }

  /** The value as a bigint; only for integers. */
  get big(): bigint {
    return BigInt(this.text);
  }
}

/** A parsed JSON value. */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
/** A parsed JSON object, keys in document order. */
export type JsonObject = Map<string, JsonValue>;

/** Nesting deeper than this is refused: no hostile file may exhaust the stack. */
const MAX_DEPTH = 256;

/** Thrown for malformed JSON; `offset` is where parsing stopped. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

/** Parses JSON text (plus NaN/Infinity tokens), keeping ints apart from floats. */
export function parseJson(text: string): JsonValue {
  const parser = new Parser(text);
  parser.skipSpace();
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos !== text.length) throw new JsonSyntaxError('unexpected trailing text', parser.pos);
  return value;
}

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  skipSpace(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) this.pos++;
      else break;
    }
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError('nesting too deep', this.pos);
    const s = this.s;
    const c = s[this.pos];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case 'N':
        return this.literal('NaN', new JsonNumber('NaN', true));
      case 'I':
        return this.literal('Infinity', new JsonNumber('Infinity', true));
      case undefined:
        throw new JsonSyntaxError('unexpected end of text', this.pos);
      default:
        if (c === '-' && s.startsWith('-Infinity', this.pos)) {
          this.pos += 9;
          return new JsonNumber('-Infinity', true);
        }
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        throw new JsonSyntaxError(`unexpected character ${JSON.stringify(c)}`, this.pos);
    }
  }

  literal<T extends JsonValue>(word: string, result: T): T {
    if (!this.s.startsWith(word, this.pos)) throw new JsonSyntaxError('invalid literal', this.pos);
    this.pos += word.length;
    return result;
  }

  number(): JsonNumber {
    const re = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.s);
    if (m === null) throw new JsonSyntaxError('invalid number', this.pos);
    this.pos += m[0].length;
    return new JsonNumber(m[0], m[1] !== undefined || m[2] !== undefined);
  }

  string(): string {
    const s = this.s;
    const start = ++this.pos;
    // Fast path: no escapes.
    let i = start;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return s.slice(start, i);
      }
      if (c === 92 || c < 32) break;
      i++;
    }
    // Slow path: let the platform decode the escapes of exactly this string literal.
    let j = i;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if (c === 92) j += 2;
      else if (c === 34) break;
      else j++;
    }
    if (j >= s.length) throw new JsonSyntaxError('unterminated string', start - 1);
    let decoded: unknown;
    try {
      decoded = JSON.parse(s.slice(start - 1, j + 1));
    } catch {
      throw new JsonSyntaxError('invalid string', start - 1);
    }
    this.pos = j + 1;
    return decoded as string;
  }

  array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.pos++;
    this.skipSpace();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      out.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.s[this.pos++];
      if (c === ']') return out;
      if (c !== ',') throw new JsonSyntaxError("expected ',' or ']'", this.pos - 1);
    }
  }

  object(depth: number): JsonObject {
    const out: JsonObject = new Map();
    this.pos++;
    this.skipSpace();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] !== '"') throw new JsonSyntaxError('expected a key', this.pos);
      const key = this.string();
      this.skipSpace();
      if (this.s[this.pos++] !== ':') throw new JsonSyntaxError("expected ':'", this.pos - 1);
      this.skipSpace();
      out.set(key, this.value(depth + 1));
      this.skipSpace();
      const c = this.s[this.pos++];
      if (c === '}') return out;
      if (c !== ',') throw new JsonSyntaxError("expected ',' or '}'", this.pos - 1);
    }
  }
}

/** Plain JS from a parsed value (numbers as numbers, objects as null-prototype records). */
export function toPlain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return value.value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Map) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of value) out[k] = toPlain(v);
    return out;
  }
  return value;
}

/** A float written the way Python's json module writes it: `1.0`, `0.1`, `NaN`, `-Infinity`. */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

/** A value to serialize: plain JSON, with {@link JsonNumber}s for numbers whose spelling matters. */
export type JsonOut =
  | null
  | boolean
  | string
  | number
  | bigint
  | JsonNumber
  | readonly JsonOut[]
  | { readonly [key: string]: JsonOut }
  | ReadonlyMap<string, JsonOut>;

/** A float to be written as such (integral values keep `.0`). */
export function jsonFloat(value: number): JsonNumber {
  return new JsonNumber(formatFloat(value), true);
}

/**
 * A JSON string literal with every character beyond ASCII escaped (`"\\u00b5V"`), as Python's
 * `json.dumps` writes it by default (`ensure_ascii`). zarr-python 2 writes its metadata files that
 * way and reads them as ASCII: raw UTF-8 in `.zattrs` makes a store unreadable there. Characters
 * beyond the Basic Multilingual Plane become their two escaped UTF-16 halves, as in Python.
 */
export function asciiString(value: string): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Serializes like zarr-python (non-ASCII text escaped, see {@link asciiString}): 4-space indent, keys sorted when `sortKeys` (as zarr does for
 * metadata), plain numbers as integers if integral, {@link JsonNumber}s as spelled.
 */
export function stringifyJson(value: JsonOut, indent = 4, sortKeys = true): string {
  const parts: string[] = [];
  write(value, '');
  return parts.join('');

  function write(v: JsonOut, pad: string): void {
    if (v === null) parts.push('null');
    else if (typeof v === 'boolean') parts.push(v ? 'true' : 'false');
    else if (typeof v === 'string') parts.push(asciiString(v));
    else if (typeof v === 'bigint') parts.push(v.toString());
    else if (typeof v === 'number') parts.push(Number.isInteger(v) ? String(v) : formatFloat(v));
    else if (v instanceof JsonNumber) parts.push(v.text);
    else if (Array.isArray(v)) {
      const items = v as readonly JsonOut[];
      if (items.length === 0) {
        parts.push('[]');
        return;
      }
      const inner = pad + ' '.repeat(indent);
      parts.push(indent > 0 ? '[\n' : '[');
      items.forEach((item, i) => {
        if (indent > 0) parts.push(inner);
        write(item, inner);
        if (i < items.length - 1) parts.push(indent > 0 ? ',\n' : ',');
      });
      parts.push(indent > 0 ? `\n${pad}]` : ']');
    } else {
      const entries =
        v instanceof Map
          ? [...(v as ReadonlyMap<string, JsonOut>)]
          : Object.entries(v as Record<string, JsonOut>);
      if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (entries.length === 0) {
        parts.push('{}');
        return;
      }
      const inner = pad + ' '.repeat(indent);
      parts.push(indent > 0 ? '{\n' : '{');
      entries.forEach(([k, item], i) => {
        if (indent > 0) parts.push(inner);
        parts.push(asciiString(k), indent > 0 ? ': ' : ':');
        write(item, inner);
        if (i < entries.length - 1) parts.push(indent > 0 ? ',\n' : ',');
      });
      parts.push(indent > 0 ? `\n${pad}}` : '}');
    }
  }
}

/** A JSON value as a reader sees it once stored (so a writer reads back what it will store). */
export function toJsonValue(value: JsonOut): JsonValue {
  return parseJson(stringifyJson(value, 0, false));
}
