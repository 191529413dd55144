/**
 * Checks a file's tree against the NWB schema, for every neurodata type the specification defines,
 * not only those the data model maps: required attributes, datasets, groups and links, how many of
 * each, dtypes, shapes, and the types links and references point at. The rules are the ones HDMF's
 * validator applies (a type's spec merged with its ancestors'; children matched by name, else by
 * type; dtypes may widen, so `float32` accepts float64 and `text` accepts ASCII), read from the
 * file's own cached specification so extensions are checked too.
 *
 * The walk keeps its own stack (no recursion), so deep trees cannot exhaust the call stack, and
 * never follows links into groups, so link cycles cannot loop.
 */
import { NWBDateTime } from '../model/datetime.js';
import type { DType } from '../storage/dtype.js';
import { isCompoundDType, isNumericDType } from '../storage/dtype.js';
import type { NdArray } from '../storage/values.js';
import { isObjectRef } from '../storage/values.js';
import type { DatasetNode, GroupNode, TreeNode } from '../tree/nodes.js';
import { isDatasetHandle } from '../tree/nodes.js';
import { joinPath } from '../tree/paths.js';
import type { CachedNamespace } from './cached-spec.js';
import { NWB_VERSION, cachedNamespaces } from './cached-spec.js';
import type {
  AttributeSpec,
  DTypeSpec,
  DatasetSpec,
  GroupSpec,
  LinkSpec,
  ShapeOption,
  ShapeSpec,
} from './spec-language.js';
import { isCompoundSpec, isRefSpec, quantityRange } from './spec-language.js';
import { TypeCatalog } from './type-catalog.js';

/** One rule of the schema that an object breaks. */
export interface SchemaFinding {
  /** The object's path (an attribute's owner for attribute rules). */
  readonly path: string;
  /**
   * The rule: `schema-required`, `schema-quantity`, `schema-dtype`, `schema-shape`,
   * `schema-link`, `schema-link-target`, `schema-unknown-type`, `schema-namespace`, or
   * `timestamps-length` (PyNWB's check that data and timestamps have the same length).
   */
  readonly rule: string;
  /** What is wrong, in the schema's words. */
  readonly message: string;
}

/** Options of {@link validateTree}. */
export interface ValidateTreeOptions {
  /** The types to check against (default: the file's cached specification, else NWB 2.7.0's). */
  catalog?: TypeCatalog;
}

type StorageSpec = GroupSpec & DatasetSpec;
type MemberSpec = (GroupSpec | DatasetSpec | LinkSpec) & {
  readonly memberKind: 'group' | 'dataset' | 'link';
};

interface Job {
  readonly node: GroupNode | DatasetNode;
  readonly path: string;
  /** The specs to check the node against: its own type's, and the one its parent gives it. */
  readonly specs: readonly StorageSpec[];
  /** Check the node itself but not its children (a group reached through a link). */
  readonly shallow?: boolean;
}

/**
 * Checks every object of `root` (an NWB file's root group, as `readTree` returns it) against the
 * schema, and returns what breaks it. Reads only what the rules need beyond metadata: the first
 * value of text datasets that must hold ISO 8601 datetimes.
 */
export async function validateTree(
  root: GroupNode,
  options: ValidateTreeOptions = {},
): Promise<SchemaFinding[]> {
  if (options.catalog !== undefined) return new TreeValidator(root, options.catalog, true).run();
  const cached = await readCachedNamespaces(root);
  // Without a cached specification, a file that declares the bundled NWB version is checked against
  // it; for any other version, checking against 2.7.0 would flag what its own version allowed, so
  // (as HDMF does) say so and check no schema rules.
  const version = root.attrs['nwb_version']?.data[0];
  const known = cached.length > 0 || version === NWB_VERSION;
  return new TreeValidator(root, catalogOf(cached), known).run();
}

/**
 * The types a file's objects are checked against: the namespaces cached in its `/specifications`
 * group (the newest version of each), plus NWB 2.7.0's bundled namespaces the file does not cache.
 */
export async function catalogForTree(root: GroupNode): Promise<TypeCatalog> {
  return catalogOf(await readCachedNamespaces(root));
}

function catalogOf(cached: readonly CachedNamespace[]): TypeCatalog {
  const names = new Set(cached.map((ns) => ns.name));
  return new TypeCatalog([...cached, ...cachedNamespaces().filter((ns) => !names.has(ns.name))]);
}

async function readCachedNamespaces(root: GroupNode): Promise<CachedNamespace[]> {
  const specifications = root.children.get('specifications');
  if (specifications?.kind !== 'group') return [];
  const out: CachedNamespace[] = [];
  for (const [name, versions] of specifications.children) {
    if (versions.kind !== 'group') continue;
    const newest = [...versions.children.keys()].sort(compareVersions).at(-1);
    const group = newest === undefined ? undefined : versions.children.get(newest);
    if (group?.kind !== 'group') continue;
    const sources: [string, string][] = [];
    for (const [source, node] of group.children) {
      if (node.kind !== 'dataset') continue;
      const text = await readText(node);
      if (text !== undefined) sources.push([source, text]);
    }
    out.push({ name, version: newest!, sources });
  }
  return out;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The first string of a text dataset, or undefined when it holds no text. */
async function readText(node: DatasetNode): Promise<string | undefined> {
  const value = node.value;
  if (value.dtype !== 'utf8' && value.dtype !== 'ascii') return undefined;
  let array: NdArray;
  if (isDatasetHandle(value)) {
    if (value.shape.some((d) => d === 0)) return undefined;
    array = await value.read(value.shape.map(() => 0));
  } else if ('data' in value) {
    array = value;
  } else {
    return undefined;
  }
  const first = (array.data as unknown[])[0];
  return typeof first === 'string' ? first : undefined;
}

/** The dtype names a dtype spec accepts; the spec names the narrowest type allowed. */
const ACCEPTS: Record<string, readonly string[]> = {
  float32: ['float32', 'float64'],
  float64: ['float64'],
  int8: ['int8', 'int16', 'int32', 'int64'],
  int16: ['int16', 'int32', 'int64'],
  int32: ['int32', 'int64'],
  int64: ['int64'],
  uint8: ['uint8', 'uint16', 'uint32', 'uint64'],
  uint16: ['uint16', 'uint32', 'uint64'],
  uint32: ['uint32', 'uint64'],
  uint64: ['uint64'],
  numeric: ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64'],
  utf8: ['utf8', 'ascii'],
  ascii: ['ascii'],
  bool: ['bool'],
};

/** Spellings of the specification language, by the dtype they mean. */
const SYNONYMS: Record<string, string> = {
  float: 'float32',
  double: 'float64',
  short: 'int16',
  int: 'int32',
  long: 'int64',
  uint: 'uint32',
  text: 'utf8',
  utf: 'utf8',
  'utf-8': 'utf8',
  bytes: 'ascii',
  datetime: 'isodatetime',
  date: 'isodatetime',
};

function canonical(name: string): string {
  return SYNONYMS[name] ?? name;
}

function describeDType(dtype: DType): string {
  if (isCompoundDType(dtype))
    return `compound {${dtype.compound.map((f) => `${f.name}: ${f.dtype}`).join(', ')}}`;
  if (dtype === 'ref') return 'object reference';
  if (dtype === 'region') return 'region reference';
  return dtype;
}

function describeSpecDType(spec: DTypeSpec): string {
  if (isRefSpec(spec)) return `${spec.reftype} reference to ${spec.target_type}`;
  if (isCompoundSpec(spec))
    return `compound {${spec.map((f) => `${f.name}: ${describeSpecDType(f.dtype)}`).join(', ')}}`;
  return spec;
}

function formatShape(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? 'any' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

function shapeOptions(spec: ShapeSpec): readonly ShapeOption[] {
  return spec.length > 0 && Array.isArray(spec[0]) ? (spec as readonly ShapeOption[]) : [spec as ShapeOption];
}

function shapeMatches(spec: ShapeSpec, shape: readonly number[]): boolean {
  return shapeOptions(spec).some(
    (option) => option.length === shape.length && option.every((d, i) => d === null || d === shape[i]),
  );
}

class TreeValidator {
  readonly #findings = new Map<string, SchemaFinding>();
  readonly #datetimeChecks: { node: DatasetNode; path: string }[] = [];

  constructor(
    readonly root: GroupNode,
    readonly catalog: TypeCatalog,
    /** False when the file caches no specification: only PyNWB's series rule is checked. */
    readonly schemaRules: boolean,
  ) {}

  async run(): Promise<SchemaFinding[]> {
    if (!this.schemaRules) {
      this.#report(
        '/',
        'schema-namespace',
        'the file caches no specification (PyNWB writes one; MatNWB and early PyNWB did not), so its objects were not checked against the NWB schema',
      );
    }
    for (const problem of this.catalog.problems) {
      this.#report(
        '/specifications',
        'schema-namespace',
        `namespace ${problem.namespace} could not be loaded (${problem.message}); NWB 2.7.0's rules were used where they apply`,
      );
    }
    const stack: Job[] = [{ node: this.root, path: '/', specs: this.#typeSpecs(this.root, '/') }];
    for (let job = stack.pop(); job !== undefined; job = stack.pop()) {
      for (const spec of job.specs) this.#checkNode(job, spec);
      if (job.node.kind === 'group' && !job.shallow) stack.push(...this.#children(job).reverse());
    }
    for (const { node, path } of this.#datetimeChecks) {
      const text = await readText(node).catch(() => undefined);
      if (text === undefined) continue;
      try {
        NWBDateTime.parse(text, { allowNaive: true });
      } catch {
        this.#report(path, 'schema-dtype', `expected an ISO 8601 datetime, found ${JSON.stringify(text)}`);
      }
    }
    return [...this.#findings.values()];
  }

  #report(path: string, rule: string, message: string): void {
    const key = `${path}\0${rule}\0${message}`;
    if (!this.#findings.has(key)) this.#findings.set(key, { path, rule, message });
  }

  /** The type of a node as its attributes say, if it has one. */
  #typeOf(node: TreeNode | undefined): string | undefined {
    if (node === undefined || node.kind === 'link') return undefined;
    const attr = node.attrs['neurodata_type'];
    const value = attr === undefined ? undefined : (attr.data as unknown[])[0];
    return typeof value === 'string' ? value : undefined;
  }

  /** The spec of a node's own type (none when untyped; a finding when the type is unknown). */
  #typeSpecs(node: GroupNode | DatasetNode, path: string): StorageSpec[] {
    const type = this.#typeOf(node);
    if (type === undefined) return [];
    const resolved = this.catalog.resolve(type);
    if (!this.schemaRules) {
      if (resolved?.lineage.includes('TimeSeries')) this.#checkTimeSeries(node, path);
      return [];
    }
    if (resolved === undefined) {
      this.#report(
        path,
        'schema-unknown-type',
        `type ${type} is not in the file's cached specification; its rules were not checked`,
      );
      return [];
    }
    if (resolved.kind !== node.kind) {
      this.#report(path, 'schema-dtype', `${type} is a ${resolved.kind} type, but this is a ${node.kind}`);
      return [];
    }
    const specs = [resolved.spec];
    if (resolved.lineage.includes('TimeSeries')) this.#checkTimeSeries(node, path);
    return specs;
  }

  /** Follows soft links (not external ones) to what they point at. */
  #follow(target: string): TreeNode | undefined {
    let node: TreeNode | undefined = this.root;
    for (let hops = 0; hops < 32; hops++) {
      node = this.root;
      for (const part of target.split('/').filter((p) => p !== '')) {
        node = node?.kind === 'group' ? node.children.get(part) : undefined;
      }
      if (node?.kind !== 'link' || node.file !== undefined) return node;
      target = node.target;
    }
    return undefined;
  }

  #checkNode(job: Job, spec: StorageSpec): void {
    const { node, path } = job;
    for (const attr of spec.attributes ?? []) this.#checkAttribute(node, path, attr);
    if (node.kind === 'dataset') this.#checkDataset(node, path, spec);
  }

  #checkAttribute(node: GroupNode | DatasetNode, path: string, spec: AttributeSpec): void {
    const value = node.attrs[spec.name];
    if (value === undefined) {
      if (spec.required !== false)
        this.#report(path, 'schema-required', `attribute ${spec.name} is required`);
      return;
    }
    if (spec.dtype !== undefined)
      this.#checkDType(`attribute ${spec.name}`, path, spec.dtype, value.dtype, value.shape, value);
    if (spec.shape !== undefined && !shapeMatches(spec.shape, value.shape)) {
      this.#report(
        path,
        'schema-shape',
        this.#shapeMessage(`attribute ${spec.name}`, spec.shape, value.shape),
      );
    }
  }

  #checkDataset(node: DatasetNode, path: string, spec: DatasetSpec): void {
    const { dtype, shape } = node.value;
    if (spec.dtype !== undefined) {
      const empty = shape.length > 0 && shape.some((d) => d === 0);
      if (!empty) this.#checkDType('data', path, spec.dtype, dtype, shape, undefined, node);
    }
    if (spec.shape !== undefined && !shapeMatches(spec.shape, shape)) {
      this.#report(path, 'schema-shape', this.#shapeMessage('data', spec.shape, shape));
    }
  }

  #shapeMessage(what: string, spec: ShapeSpec, shape: readonly number[]): string {
    const expected = shapeOptions(spec).map(formatShape).join(' or ');
    return shape.length === 0
      ? `${what} must be an array of shape ${expected}, found a scalar`
      : `${what} has shape ${formatShape(shape)}, expected ${expected}`;
  }

  #checkDType(
    label: string,
    path: string,
    spec: DTypeSpec,
    dtype: DType,
    shape: readonly number[],
    value?: NdArray,
    node?: DatasetNode,
  ): void {
    const wrong = () =>
      this.#report(
        path,
        'schema-dtype',
        `${label} has dtype ${describeDType(dtype)}, expected ${describeSpecDType(spec)}`,
      );
    if (isRefSpec(spec)) {
      if (dtype !== (spec.reftype === 'region' ? 'region' : 'ref')) return wrong();
      // An attribute's references are at hand: check what they point at.
      for (const ref of value === undefined ? [] : (value.data as unknown[])) {
        if (!isObjectRef(ref)) continue;
        const type = this.#typeOf(this.#follow(ref.path));
        if (this.#follow(ref.path) === undefined) {
          this.#report(path, 'schema-link-target', `${label} points at ${ref.path}, which does not exist`);
        } else if (type === undefined || !this.catalog.isa(type, spec.target_type)) {
          this.#report(
            path,
            'schema-link-target',
            `${label} points at ${ref.path} (${type ?? 'untyped'}), expected a ${spec.target_type}`,
          );
        }
      }
      return;
    }
    if (isCompoundSpec(spec)) {
      if (!isCompoundDType(dtype)) return wrong();
      for (const field of spec) {
        const found = dtype.compound.find((f) => f.name === field.name);
        if (found === undefined) {
          this.#report(path, 'schema-dtype', `${label} lacks the compound field ${field.name}`);
        } else if (!this.#accepts(field.dtype, found.dtype)) {
          this.#report(
            path,
            'schema-dtype',
            `${label} field ${field.name} has dtype ${describeDType(found.dtype)}, expected ${describeSpecDType(field.dtype)}`,
          );
        }
      }
      return;
    }
    const name = canonical(spec);
    if (name === 'isodatetime') {
      if (dtype !== 'utf8' && dtype !== 'ascii') return wrong();
      if (value !== undefined) {
        for (const text of value.data as unknown[]) {
          if (typeof text !== 'string') continue;
          try {
            NWBDateTime.parse(text, { allowNaive: true });
          } catch {
            this.#report(
              path,
              'schema-dtype',
              `${label} must be an ISO 8601 datetime, found ${JSON.stringify(text)}`,
            );
          }
        }
      } else if (node !== undefined && shape.every((d) => d > 0)) {
        this.#datetimeChecks.push({ node, path });
      }
      return;
    }
    if (!this.#accepts(spec, dtype)) wrong();
  }

  #accepts(spec: string | DTypeSpec, dtype: DType): boolean {
    if (typeof spec !== 'string')
      return isRefSpec(spec)
        ? dtype === (spec.reftype === 'region' ? 'region' : 'ref')
        : isCompoundDType(dtype);
    const name = canonical(spec);
    if (name === 'isodatetime') return dtype === 'utf8' || dtype === 'ascii';
    const accepted = ACCEPTS[name];
    // A dtype name the language does not have: HDMF would not know it either; do not guess.
    if (accepted === undefined) return true;
    return typeof dtype === 'string' && accepted.includes(dtype);
  }

  /**
   * Matches a group's children to the members of each of its specs (each spec on its own, as a
   * child may answer to its type's spec and to its parent's), checks counts and links, and returns
   * the children's jobs.
   */
  #children(job: Job): Job[] {
    const group = job.node as GroupNode;
    const given = new Map<string, StorageSpec[]>();
    for (const spec of job.specs) {
      const members: MemberSpec[] = [
        ...(spec.datasets ?? []).map((m) => ({ ...m, memberKind: 'dataset' as const })),
        ...(spec.groups ?? []).map((m) => ({ ...m, memberKind: 'group' as const })),
        ...(spec.links ?? []).map((m) => ({ ...m, memberKind: 'link' as const })),
      ];
      const counts = new Map<MemberSpec, number>(members.map((m) => [m, 0]));
      for (const [name, child] of group.children) {
        if (job.path === '/' && name === 'specifications') continue;
        const path = joinPath(job.path, name);
        const target =
          child.kind === 'link' ? (child.file === undefined ? this.#follow(child.target) : undefined) : child;
        const member = this.#match(members, counts, name, child, target);
        if (member === undefined) continue;
        counts.set(member, counts.get(member)! + 1);
        if (child.kind === 'link') {
          this.#checkLink(path, child.target, child.file, target, member);
        } else if (member.memberKind === 'link') {
          // An object stored where a link is expected: HDMF accepts it; so do we.
        } else if (member.memberKind !== child.kind) {
          this.#report(path, 'schema-dtype', `${name} must be a ${member.memberKind}, found a ${child.kind}`);
        } else {
          let list = given.get(name);
          if (list === undefined) given.set(name, (list = []));
          list.push(this.#memberSpec(member as StorageSpec));
        }
      }
      for (const [member, count] of counts) this.#checkQuantity(job.path, member, count);
    }
    const jobs: Job[] = [];
    for (const [name, child] of group.children) {
      if (child.kind === 'link' || (job.path === '/' && name === 'specifications')) continue;
      const path = joinPath(job.path, name);
      jobs.push({ node: child, path, specs: [...this.#typeSpecs(child, path), ...(given.get(name) ?? [])] });
    }
    return jobs;
  }

  /** The spec a member gives its object: its included type's, refined by the member itself. */
  #memberSpec(member: StorageSpec): StorageSpec {
    const type = member.neurodata_type_def ?? member.neurodata_type_inc;
    const base = type === undefined ? undefined : this.catalog.resolve(type)?.spec;
    if (base === undefined) return member;
    return {
      ...base,
      ...member,
      attributes: [
        ...new Map(
          [...(base.attributes ?? []), ...(member.attributes ?? [])].map((a) => [a.name, a]),
        ).values(),
      ],
      groups: [...(base.groups ?? []), ...(member.groups ?? [])],
      datasets: [...(base.datasets ?? []), ...(member.datasets ?? [])],
      links: [...(base.links ?? []), ...(member.links ?? [])],
    };
  }

  /** The member a child belongs to: the one named so, else one whose type it has (not yet full first). */
  #match(
    members: readonly MemberSpec[],
    counts: Map<MemberSpec, number>,
    name: string,
    child: TreeNode,
    target: TreeNode | undefined,
  ): MemberSpec | undefined {
    const named = members.find((m) => m.name === name);
    if (named !== undefined) return named;
    const type = this.#typeOf(target);
    if (type === undefined) return undefined;
    const candidates = members.filter((m) => {
      if (m.name !== undefined) return false;
      if (m.memberKind === 'link')
        return child.kind === 'link' && this.catalog.isa(type, (m as LinkSpec).target_type);
      const inc = (m as StorageSpec).neurodata_type_def ?? (m as StorageSpec).neurodata_type_inc;
      return inc !== undefined && target?.kind === m.memberKind && this.catalog.isa(type, inc);
    });
    const open = candidates.find((m) => counts.get(m)! < quantityRange(m.quantity)[1]);
    return open ?? candidates[0];
  }

  #checkLink(
    path: string,
    targetPath: string,
    file: string | undefined,
    target: TreeNode | undefined,
    member: MemberSpec,
  ): void {
    if (member.memberKind !== 'link') {
      if ((member as StorageSpec).linkable === false) {
        this.#report(path, 'schema-link', `${member.name ?? 'this object'} may not be a link`);
        return;
      }
      // A linked dataset (data shared between series) is checked here against what this place asks.
      if (target?.kind === 'dataset' && member.memberKind === 'dataset') {
        this.#checkDataset(target, path, this.#memberSpec(member as StorageSpec));
      }
      return;
    }
    if (file !== undefined) return;
    if (target === undefined) {
      this.#report(path, 'schema-link-target', `link to ${targetPath}, which does not exist`);
      return;
    }
    const type = this.#typeOf(target);
    const expected = (member as LinkSpec).target_type;
    if (type === undefined || !this.catalog.isa(type, expected)) {
      this.#report(
        path,
        'schema-link-target',
        `link to ${targetPath} (${type ?? 'untyped'}), expected a ${expected}`,
      );
    }
  }

  #checkQuantity(path: string, member: MemberSpec, count: number): void {
    const [min, max] = quantityRange(member.quantity);
    const what =
      member.name !== undefined
        ? `${member.memberKind} ${member.name}`
        : member.memberKind === 'link'
          ? `link to ${(member as LinkSpec).target_type}`
          : `${(member as StorageSpec).neurodata_type_def ?? (member as StorageSpec).neurodata_type_inc} ${member.memberKind}`;
    if (count === 0 && min > 0) {
      this.#report(
        path,
        'schema-required',
        member.name !== undefined ? `${what} is required` : `at least one ${what} is required`,
      );
    } else if (count > max || (typeof member.quantity === 'number' && count !== member.quantity)) {
      const allowed =
        max === Infinity ? `at least ${min}` : min === max ? `exactly ${max}` : `at most ${max}`;
      this.#report(path, 'schema-quantity', `${count} of ${what} where the schema allows ${allowed}`);
    }
  }

  /** PyNWB's check that a series has one timestamp per sample (external frames excepted). */
  #checkTimeSeries(node: GroupNode | DatasetNode, path: string): void {
    if (node.kind !== 'group') return;
    const resolve = (name: string) => {
      const child = node.children.get(name);
      const target = child?.kind === 'link' ? this.#follow(child.target) : child;
      return target?.kind === 'dataset' ? target : undefined;
    };
    const data = resolve('data');
    const timestamps = resolve('timestamps');
    if (data === undefined || timestamps === undefined || node.children.has('external_file')) return;
    const rows = data.value.shape[0];
    const times = timestamps.value.shape[0];
    if (rows === undefined || times === undefined || rows === 0 || !isNumericDType(timestamps.value.dtype))
      return;
    if (rows !== times) {
      this.#report(
        path,
        'timestamps-length',
        `${times} timestamps for ${rows} samples (data shape ${formatShape(data.value.shape)})`,
      );
    }
  }
}
