/**
 * The file's structure for the page: its tree of objects (names, neurodata types, shapes) and the
 * metadata sections (session, subject, devices) read through the library's data model.
 */
import type { GroupNode, NWBFile, NdArray, TreeNode } from '@nwbjs/core';
import { Device, Subject, formatDType, isDatasetHandle } from '@nwbjs/core';
import type { MetadataSection, ObjectNode } from './types.js';

/** The path of child `name` of the group at `parent`. */
export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** The text of a scalar or 1-D text attribute, when it is text. */
export function textAttr(value: NdArray | undefined): string | undefined {
  if (value === undefined || (value.dtype !== 'utf8' && value.dtype !== 'ascii')) return undefined;
  const first = (value.data as string[])[0];
  return typeof first === 'string' ? first : undefined;
}

/** The first number of a numeric attribute. */
export function numberAttr(value: NdArray | undefined): number | undefined {
  if (value === undefined || !ArrayBuffer.isView(value.data)) return undefined;
  const first = (value.data as ArrayLike<number | bigint>)[0];
  return first === undefined ? undefined : Number(first);
}

/** The neurodata_type of a group or dataset. */
export function neurodataTypeOf(node: TreeNode): string | undefined {
  return node.kind === 'link' ? undefined : textAttr(node.attrs.neurodata_type);
}

/** The node at an absolute path, following links on the way (not at the end unless `follow`). */
export function nodeAt(root: GroupNode, path: string, follow = true, depth = 0): TreeNode | undefined {
  if (depth > 16) return undefined;
  let node: TreeNode = root;
  const parts = path.split('/').filter((p) => p !== '');
  for (let i = 0; i < parts.length; i++) {
    if (node.kind === 'link') {
      if (node.file !== undefined) return undefined;
      const target = nodeAt(root, node.target, true, depth + 1);
      if (target === undefined) return undefined;
      node = target;
    }
    if (node.kind !== 'group') return undefined;
    const child: TreeNode | undefined = node.children.get(parts[i]!);
    if (child === undefined) return undefined;
    node = child;
  }
  if (follow && node.kind === 'link' && node.file === undefined)
    return nodeAt(root, node.target, true, depth + 1);
  return node;
}

/** The file's tree for the object browser. */
export function objectTree(root: GroupNode): ObjectNode {
  const walk = (name: string, path: string, node: TreeNode): ObjectNode => {
    if (node.kind === 'link') {
      const target = node.file === undefined ? node.target : `${node.file}:${node.target}`;
      return { name, path, kind: 'link', detail: `→ ${target}`, children: [] };
    }
    const type = neurodataTypeOf(node);
    if (node.kind === 'dataset') {
      const value = node.value;
      const shape = value.shape.length === 0 ? 'scalar' : value.shape.join(' × ');
      const chunks = isDatasetHandle(value) ? value.layout.chunks : undefined;
      const detail = `${shape} ${formatDType(value.dtype)}${chunks === undefined ? '' : `, chunks ${chunks.join(' × ')}`}`;
      return {
        name,
        path,
        kind: 'dataset',
        ...(type === undefined ? {} : { neurodataType: type }),
        detail,
        children: [],
      };
    }
    const children = [...node.children].map(([childName, child]) =>
      walk(childName, childPath(path, childName), child),
    );
    return { name, path, kind: 'group', ...(type === undefined ? {} : { neurodataType: type }), children };
  };
  return walk('/', '/', root);
}

const join = (values: readonly string[] | undefined) =>
  values === undefined || values.length === 0 ? undefined : values.join('; ');

/** Session, subject and device sections, from the library's model of the file. */
export function metadataSections(file: NWBFile): MetadataSection[] {
  const rows = (pairs: [string, string | undefined][]) =>
    pairs.filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '');
  const sections: MetadataSection[] = [
    {
      title: 'Session',
      rows: rows([
        ['Description', file.sessionDescription],
        ['Identifier', file.identifier],
        ['Session start', file.sessionStartTime.text],
        ['Timestamps reference', file.timestampsReferenceTime.text],
        ['Created', join(file.fileCreateDate.map((d) => d.text))],
        ['Session id', file.sessionId],
        ['Experimenter', join(file.experimenter)],
        ['Lab', file.lab],
        ['Institution', file.institution],
        ['Experiment', file.experimentDescription],
        ['Keywords', join(file.keywords)],
        ['Publications', join(file.relatedPublications)],
        ['Protocol', file.protocol],
        ['Notes', file.notes],
        ['Surgery', file.surgery],
        ['Virus', file.virus],
        ['Pharmacology', file.pharmacology],
        ['Slices', file.slices],
        ['Data collection', file.dataCollection],
        ['Stimulus', file.stimulusNotes],
      ]),
    },
  ];
  const subject = file.subject;
  if (subject instanceof Subject) {
    sections.push({
      title: 'Subject',
      rows: rows([
        ['Subject id', subject.subjectId],
        ['Species', subject.species],
        ['Strain', subject.strain],
        ['Genotype', subject.genotype],
        ['Sex', subject.sex],
        ['Age', subject.age],
        ['Age reference', subject.ageReference],
        ['Date of birth', subject.dateOfBirth?.text],
        ['Weight', subject.weight],
        ['Description', subject.description],
      ]),
    });
  } else if (subject !== undefined) {
    sections.push({ title: 'Subject', rows: [['Type', subject.neurodataType ?? 'untyped group']] });
  }
  const devices = [...file.devices.values()];
  if (devices.length > 0) {
    sections.push({
      title: 'Devices',
      rows: devices.map((d): [string, string] => [
        d.name,
        d instanceof Device
          ? [d.description, d.manufacturer && `manufacturer: ${d.manufacturer}`].filter(Boolean).join('; ') ||
            'Device'
          : (d.neurodataType ?? 'untyped'),
      ]),
    });
  }
  return sections;
}
