/**
 * Every neurodata type of a set of namespaces, with its inheritance resolved: a type's spec is its
 * parent's with its own additions and refinements laid over (HDMF resolves specs the same way), so
 * validation looks at one spec per type.
 */
import type { CachedNamespace } from './cached-spec.js';
import type {
  AttributeSpec,
  DatasetSpec,
  GroupSpec,
  LinkSpec,
  NamespaceSpec,
  SchemaSource,
} from './spec-language.js';

/** A neurodata type with its inheritance resolved. */
export interface ResolvedType {
  /** The type's name. */
  readonly name: string;
  /** The namespace that defines it. */
  readonly namespace: string;
  /** Whether objects of the type are groups or datasets. */
  readonly kind: 'group' | 'dataset';
  /** The merged spec: the parent's, refined by the type's own. */
  readonly spec: GroupSpec & DatasetSpec;
  /** The type and its ancestors, nearest first. */
  readonly lineage: readonly string[];
}

interface Definition {
  readonly namespace: string;
  readonly kind: 'group' | 'dataset';
  readonly spec: GroupSpec & DatasetSpec;
}

/** What went wrong loading a namespace (it is then left out). */
export interface CatalogProblem {
  /** The namespace. */
  readonly namespace: string;
  /** What was wrong. */
  readonly message: string;
}

/** The types of some namespaces, looked up by name. */
export class TypeCatalog {
  readonly #definitions = new Map<string, Definition>();
  readonly #resolved = new Map<string, ResolvedType | undefined>();
  /** Namespaces that could not be loaded, and why. */
  readonly problems: CatalogProblem[] = [];
  /** The namespaces loaded, by name, with their versions. */
  readonly namespaces = new Map<string, string>();

  /** Loads namespaces given as cached-specification documents (JSON text by source name). */
  constructor(namespaces: readonly CachedNamespace[]) {
    for (const ns of namespaces) this.#load(ns);
  }

  #load(ns: CachedNamespace): void {
    const sources = new Map(ns.sources);
    try {
      const declared = parseJson<{ namespaces?: NamespaceSpec[] }>(sources.get('namespace'), 'namespace');
      const entry = declared.namespaces?.find((n) => n.name === ns.name) ?? declared.namespaces?.[0];
      if (entry === undefined) throw new Error('its namespace document declares no namespace');
      for (const item of entry.schema ?? []) {
        if (item.source === undefined) continue;
        // PyNWB caches a source under its name without the extension.
        const name = item.source.replace(/\.(ya?ml|json)$/, '');
        const text = sources.get(name);
        if (text === undefined) throw new Error(`source ${name} is not cached`);
        const source = parseJson<SchemaSource>(text, name);
        for (const spec of source.groups ?? []) this.#define(ns.name, 'group', spec);
        for (const spec of source.datasets ?? []) this.#define(ns.name, 'dataset', spec);
      }
      this.namespaces.set(ns.name, ns.version);
    } catch (error) {
      this.problems.push({
        namespace: ns.name,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Registers a type and those defined inside it (early NWB defined Device inside NWBFile). */
  #define(namespace: string, kind: 'group' | 'dataset', spec: GroupSpec | DatasetSpec): void {
    const pending: ['group' | 'dataset', GroupSpec & DatasetSpec][] = [
      [kind, spec as GroupSpec & DatasetSpec],
    ];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [k, s] = next;
      const name = s.neurodata_type_def;
      if (name !== undefined && !this.#definitions.has(name))
        this.#definitions.set(name, { namespace, kind: k, spec: s });
      for (const g of s.groups ?? []) pending.push(['group', g as GroupSpec & DatasetSpec]);
      for (const d of s.datasets ?? []) pending.push(['dataset', d as GroupSpec & DatasetSpec]);
    }
  }

  /** True when the catalog defines `type`. */
  has(type: string): boolean {
    return this.#definitions.has(type);
  }

  /** The resolved type, or undefined when the catalog does not define it. */
  resolve(type: string): ResolvedType | undefined {
    if (this.#resolved.has(type)) return this.#resolved.get(type);
    // Mark first, so a cycle in the ancestry resolves to undefined instead of recursing forever.
    this.#resolved.set(type, undefined);
    const definition = this.#definitions.get(type);
    if (definition === undefined) return undefined;
    const parentName = definition.spec.neurodata_type_inc;
    const parent = parentName === undefined ? undefined : this.resolve(parentName);
    // A parent the namespaces do not define (early hdmf-common left Container and Data implicit)
    // or a cyclic ancestry: the type stands on its own spec, still known to derive from the parent.
    const resolved: ResolvedType =
      parent === undefined
        ? { name: type, ...definition, lineage: parentName === undefined ? [type] : [type, parentName] }
        : {
            name: type,
            namespace: definition.namespace,
            kind: definition.kind,
            spec: mergeSpecs(parent.spec, definition.spec),
            lineage: [type, ...parent.lineage],
          };
    this.#resolved.set(type, resolved);
    return resolved;
  }

  /** True when `type` is `ancestor` or derives from it. */
  isa(type: string, ancestor: string): boolean {
    return this.resolve(type)?.lineage.includes(ancestor) ?? false;
  }
}

/** hdmf-common spells the type keys `data_type_def`/`data_type_inc`; NWB's namespaces add `neuro`. */
const TYPE_KEYS: Record<string, string> = {
  data_type_def: 'neurodata_type_def',
  data_type_inc: 'neurodata_type_inc',
};

function parseJson<T>(text: string | undefined, what: string): T {
  if (text === undefined) throw new Error(`${what} is not cached`);
  try {
    return JSON.parse(text, (_key, value: unknown) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
      if (!Object.keys(value).some((k) => k in TYPE_KEYS)) return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [TYPE_KEYS[k] ?? k, v]));
    }) as T;
  } catch {
    throw new Error(`${what} is not JSON`);
  }
}

/** The key a child spec is refined by: its name, or its type when it has none. */
function childKey(spec: GroupSpec | DatasetSpec | LinkSpec): string {
  if (spec.name !== undefined) return `name:${spec.name}`;
  if ('target_type' in spec) return `link:${spec.target_type}`;
  return `type:${spec.neurodata_type_def ?? spec.neurodata_type_inc ?? ''}`;
}

function mergeLists<T extends GroupSpec | DatasetSpec | LinkSpec>(
  base: readonly T[] | undefined,
  own: readonly T[] | undefined,
  merge: (a: T, b: T) => T,
): T[] {
  const out = new Map<string, T>();
  for (const spec of base ?? []) out.set(childKey(spec), spec);
  for (const spec of own ?? []) {
    const key = childKey(spec);
    const previous = out.get(key);
    out.set(key, previous === undefined ? spec : merge(previous, spec));
  }
  return [...out.values()];
}

function mergeAttributes(
  base: readonly AttributeSpec[] | undefined,
  own: readonly AttributeSpec[] | undefined,
): AttributeSpec[] {
  const out = new Map<string, AttributeSpec>();
  for (const spec of base ?? []) out.set(spec.name, spec);
  for (const spec of own ?? []) out.set(spec.name, { ...out.get(spec.name), ...spec });
  return [...out.values()];
}

/**
 * A spec refined by another: what `own` states wins, attributes and children are merged by name
 * (or by type for unnamed children), so a subtype that narrows `data`'s shape keeps its `unit`.
 */
function mergeSpecs<T extends GroupSpec & DatasetSpec>(base: T, own: T): T {
  const merged: GroupSpec & DatasetSpec = {
    ...base,
    ...own,
    attributes: mergeAttributes(base.attributes, own.attributes),
    groups: mergeLists(base.groups, own.groups, mergeSpecs),
    datasets: mergeLists(base.datasets, own.datasets, mergeSpecs),
    links: mergeLists(base.links, own.links, (_, b) => b),
  };
  return merged as T;
}
