/** Subject: `/general/subject`, its fields as scalar text datasets. */
import type { Attributes } from '../../storage/backend.js';
import { textScalar } from '../../storage/values.js';
import { datasetNode, groupNode } from '../../tree/nodes.js';
import { Subject } from '../../model/subject.js';
import type { TypeMapper } from '../type-mapper.js';
import { stringOf, text, typedAttrs } from '../values.js';

/** Subject fields: model field to dataset name (all scalar text; date_of_birth is ascii). */
export const SUBJECT_FIELDS = {
  age: 'age',
  description: 'description',
  genotype: 'genotype',
  sex: 'sex',
  species: 'species',
  strain: 'strain',
  subjectId: 'subject_id',
  weight: 'weight',
} as const;

export const subjectMapper: TypeMapper<Subject> = {
  neurodataType: 'Subject',
  modelClass: Subject,
  kind: 'group',
  toTree(subject) {
    const group = groupNode(typedAttrs(subject));
    for (const [field, name] of Object.entries(SUBJECT_FIELDS)) {
      const value = subject[field as keyof typeof SUBJECT_FIELDS];
      if (value === undefined) continue;
      const attrs: Attributes = {};
      if (field === 'age' && subject.ageReference !== undefined)
        attrs['reference'] = text(subject.ageReference);
      group.children.set(name, datasetNode(text(value), attrs));
    }
    if (subject.dateOfBirth !== undefined) {
      group.children.set('date_of_birth', datasetNode(textScalar(subject.dateOfBirth.text, 'ascii')));
    }
    return group;
  },
  async fromTree(from) {
    const { picker: p } = from;
    const options: Record<string, unknown> = { ...from.base };
    for (const [field, name] of Object.entries(SUBJECT_FIELDS)) {
      const value = await from.text(name);
      if (value !== undefined) options[field] = value;
    }
    const reference = p.childAttr('age', 'reference');
    if (reference !== undefined) options['ageReference'] = stringOf(reference);
    const born = await from.text('date_of_birth');
    if (born !== undefined) {
      const parsed = from.dateTime(`${p.path}/date_of_birth`, born);
      if (parsed !== undefined) options['dateOfBirth'] = parsed;
      else p.release('date_of_birth');
    }
    return new Subject(options, from.model());
  },
};
