import { describe, expect, it } from 'vitest';
import type { CachedNamespace, GroupNode, NdArray, SchemaFinding, TreeNode } from '../src/index.js';
import {
  TypeCatalog,
  cachedNamespaces,
  datasetNode,
  fromTypedArray,
  groupNode,
  linkNode,
  numericScalar,
  textScalar,
  validateTree,
} from '../src/index.js';
import { specificationsGroup } from '../src/backend.js';

/** A namespace `test` whose sources are given as objects. */
function namespace(
  sources: Record<string, unknown>,
  name = 'test',
  typeKey = 'neurodata_type',
): CachedNamespace {
  return {
    name,
    version: '1.0.0',
    sources: [
      [
        'namespace',
        JSON.stringify({
          namespaces: [{ name, schema: Object.keys(sources).map((source) => ({ source })) }],
        }),
      ],
      ...Object.entries(sources).map(
        ([n, s]) => [n, JSON.stringify(s).replaceAll('neurodata_type', typeKey)] as [string, string],
      ),
    ],
  };
}

const SCHEMA = namespace({
  base: {
    groups: [
      { neurodata_type_def: 'Thing', attributes: [{ name: 'description', dtype: 'text' }] },
      {
        neurodata_type_def: 'TimeSeries',
        neurodata_type_inc: 'Thing',
        datasets: [
          {
            name: 'data',
            dtype: 'float32',
            shape: [[null], [null, null]],
            attributes: [
              { name: 'unit', dtype: 'text' },
              { name: 'scale', dtype: 'float32', required: false },
            ],
          },
          { name: 'timestamps', dtype: 'float64', shape: [null], quantity: '?' },
          { name: 'started', dtype: 'isodatetime', quantity: '?' },
        ],
        links: [{ name: 'device', target_type: 'Device', quantity: '?' }],
      },
      // A subtype that narrows data's shape keeps data's attributes from its parent.
      {
        neurodata_type_def: 'Movie',
        neurodata_type_inc: 'TimeSeries',
        datasets: [{ name: 'data', shape: [null, null, null] }],
      },
      { neurodata_type_def: 'Device', neurodata_type_inc: 'Thing' },
      {
        neurodata_type_def: 'Root',
        groups: [
          { name: 'things', groups: [{ neurodata_type_inc: 'Thing', quantity: '+' }] },
          { name: 'devices', quantity: '?', groups: [{ neurodata_type_inc: 'Device', quantity: '*' }] },
        ],
      },
    ],
  },
});

const catalog = new TypeCatalog([SCHEMA]);
const text = (s: string) => textScalar(s);
const typed = (type: string, attrs: Record<string, NdArray> = {}) => ({
  neurodata_type: text(type),
  namespace: text('test'),
  ...attrs,
});

function series(type: string, data: NdArray, more: [string, TreeNode][] = []): GroupNode {
  return groupNode(typed(type, { description: text('d') }), [
    ['data', datasetNode(data, { unit: text('m') })],
    ...more,
  ]);
}

function file(things: [string, TreeNode][], devices: [string, TreeNode][] = []): GroupNode {
  return groupNode(typed('Root'), [
    ['things', groupNode({}, things)],
    ['devices', groupNode({}, devices)],
  ]);
}

const floats = (n: number, shape = [n]) => fromTypedArray(new Float32Array(n), shape);
const check = (root: GroupNode) => validateTree(root, { catalog });
const rules = (findings: SchemaFinding[]) => findings.map((f) => `${f.path} ${f.rule}: ${f.message}`);

describe('validateTree', () => {
  it('finds nothing in a file that follows the schema', async () => {
    const device = groupNode(typed('Device', { description: text('cam') }));
    const root = file(
      [
        [
          's',
          series('TimeSeries', floats(4), [
            ['device', linkNode('/devices/cam')],
            ['timestamps', datasetNode(fromTypedArray(new Float64Array(4)))],
          ]),
        ],
        ['m', series('Movie', floats(8, [2, 2, 2]))],
      ],
      [['cam', device]],
    );
    expect(rules(await check(root))).toEqual([]);
  });

  it('reports missing required attributes, datasets and typed children, and too many of one', async () => {
    const bare = groupNode(typed('TimeSeries'), [['data', datasetNode(floats(2))]]);
    const findings = rules(
      await check(
        groupNode(typed('Root'), [
          ['things', groupNode()],
          ['x', groupNode()],
        ]),
      ),
    );
    expect(findings).toEqual(['/things schema-required: at least one Thing group is required']);
    expect(rules(await check(file([['s', bare]])))).toEqual([
      '/things/s schema-required: attribute description is required',
      '/things/s/data schema-required: attribute unit is required',
    ]);
    const noData = groupNode(typed('TimeSeries', { description: text('d') }));
    expect(rules(await check(file([['s', noData]])))).toEqual([
      '/things/s schema-required: dataset data is required',
    ]);
  });

  it('lets dtypes widen as HDMF does, and no further', async () => {
    const f64 = fromTypedArray(new Float64Array(3));
    const i32 = fromTypedArray(new Int32Array(3));
    expect(rules(await check(file([['s', series('TimeSeries', f64)]])))).toEqual([]);
    expect(rules(await check(file([['s', series('TimeSeries', i32)]])))).toEqual([
      '/things/s/data schema-dtype: data has dtype int32, expected float32',
    ]);
    // text accepts ASCII; a number is not text.
    const ascii = groupNode(typed('Device', { description: textScalar('x', 'ascii') }));
    const number = groupNode(typed('Device', { description: numericScalar('int8', 1) }));
    expect(rules(await check(file([['t', ascii]])))).toEqual([]);
    expect(rules(await check(file([['t', number]])))).toEqual([
      '/things/t schema-dtype: attribute description has dtype int8, expected text',
    ]);
  });

  it('checks shapes against each alternative, and a subtype keeps its parent\u2019s attributes', async () => {
    expect(rules(await check(file([['m', series('Movie', floats(4, [2, 2]))]])))).toEqual([
      '/things/m/data schema-shape: data has shape (2, 2), expected (any, any, any)',
    ]);
    const noUnit = groupNode(typed('Movie', { description: text('d') }), [
      ['data', datasetNode(floats(8, [2, 2, 2]))],
    ]);
    expect(rules(await check(file([['m', noUnit]])))).toEqual([
      '/things/m/data schema-required: attribute unit is required',
    ]);
    const scalar = series('TimeSeries', floats(1), [
      ['timestamps', datasetNode(numericScalar('float64', 1))],
    ]);
    expect(rules(await check(file([['s', scalar]])))).toEqual([
      '/things/s/timestamps schema-shape: data must be an array of shape (any,), found a scalar',
    ]);
  });

  it('checks what links point at, and reports dangling ones', async () => {
    const other = groupNode(typed('Thing', { description: text('not a device') }));
    const wrong = series('TimeSeries', floats(1), [['device', linkNode('/things/o')]]);
    const dangling = series('TimeSeries', floats(1), [['device', linkNode('/devices/gone')]]);
    expect(
      rules(
        await check(
          file([
            ['o', other],
            ['s', wrong],
            ['d', dangling],
          ]),
        ),
      ),
    ).toEqual([
      '/things/s/device schema-link-target: link to /things/o (Thing), expected a Device',
      '/things/d/device schema-link-target: link to /devices/gone, which does not exist',
    ]);
  });

  it('checks ISO 8601 datetimes, and one timestamp per sample for every series type', async () => {
    const bad = series('TimeSeries', floats(2), [
      ['started', datasetNode(text('yesterday'))],
      ['timestamps', datasetNode(fromTypedArray(new Float64Array(10)))],
    ]);
    expect(rules(await check(file([['s', bad]])))).toEqual([
      '/things/s timestamps-length: 10 timestamps for 2 samples (data shape (2,))',
      '/things/s/started schema-dtype: expected an ISO 8601 datetime, found "yesterday"',
    ]);
  });

  it('names types it does not know, and reads hdmf-common\u2019s data_type_def spelling', async () => {
    const unknown = groupNode(typed('Mystery'));
    expect(
      rules(
        await check(
          file([
            ['s', series('TimeSeries', floats(1))],
            ['u', unknown],
          ]),
        ),
      ),
    ).toEqual([
      "/things/u schema-unknown-type: type Mystery is not in the file's cached specification; its rules were not checked",
    ]);
    const hdmf = new TypeCatalog([
      namespace(
        {
          t: { groups: [{ neurodata_type_def: 'A' }, { neurodata_type_def: 'B', neurodata_type_inc: 'A' }] },
        },
        'h',
        'data_type',
      ),
    ]);
    expect(hdmf.isa('B', 'A')).toBe(true);
    // A parent the namespaces leave implicit (early hdmf-common's Container) still counts as an ancestor.
    const implicit = new TypeCatalog([
      namespace({ t: { groups: [{ neurodata_type_def: 'C', neurodata_type_inc: 'Container' }] } }),
    ]);
    expect(implicit.resolve('C')?.lineage).toEqual(['C', 'Container']);
  });

  it('uses the file\u2019s cached specification, and checks no schema rules when there is none', async () => {
    const root = groupNode(typed('NWBFile'), [['specifications', specificationsGroup()]]);
    const findings = await validateTree(root);
    expect(findings.some((f) => f.rule === 'schema-required' && /session_start_time/.test(f.message))).toBe(
      true,
    );
    const uncached = await validateTree(groupNode(typed('NWBFile', { nwb_version: text('2.0b') })));
    expect(uncached.map((f) => f.rule)).toEqual(['schema-namespace']);
    // Declaring the bundled version is enough to be checked against it (hdmf-zarr leaves
    // /specifications out of its consolidated metadata, so a remote store may show none).
    const declared = await validateTree(groupNode(typed('NWBFile', { nwb_version: text('2.7.0') })));
    expect(declared.some((f) => /session_start_time/.test(f.message))).toBe(true);
    expect(new TypeCatalog(cachedNamespaces()).isa('TwoPhotonSeries', 'TimeSeries')).toBe(true);
  });

  it('walks 10 000 nested groups without exhausting the stack', async () => {
    let node: GroupNode = groupNode();
    for (let i = 0; i < 10_000; i++) node = groupNode({}, [['g', node]]);
    const root = file([
      ['s', series('TimeSeries', floats(1))],
      ['deep', node],
    ]);
    expect(await check(root)).toEqual([]);
  });

  it('says which namespace could not be loaded', async () => {
    const broken: CachedNamespace = { name: 'broken', version: '1', sources: [['namespace', '{not json']] };
    const mixed = new TypeCatalog([broken, SCHEMA]);
    expect(mixed.problems).toEqual([{ namespace: 'broken', message: 'namespace is not JSON' }]);
    expect(mixed.has('TimeSeries')).toBe(true);
  });
});
