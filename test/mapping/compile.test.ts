import { describe, expect, it } from 'vitest';
import { loadMapping, mappingSchema } from '../../src/mapping/index.ts';
import { readRepoFile } from './helpers.ts';

describe('compiled mappings', () => {
  const text = readRepoFile('mappings/defaults/support.yaml');

  it('compiles each mapping text once per catalog and reuses the result', () => {
    const a = loadMapping(text, 'support.yaml');
    expect(loadMapping(text, 'support.yaml')).toBe(a);
    expect(loadMapping(`${text}\n`, 'support.yaml')).not.toBe(a);
  });

  it('is frozen', () => {
    const { mapping } = loadMapping(text, 'support.yaml');
    expect(Object.isFrozen(mapping)).toBe(true);
    expect(Object.isFrozen(mapping!.objects.Case)).toBe(true);
    expect(() => {
      (mapping!.sections.webChat as { record: string }).record = 'none';
    }).toThrow(TypeError);
  });

  it('is versioned by a hash of its content', () => {
    const { mapping } = loadMapping(text, 'support.yaml');
    expect(mapping!.version).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(loadMapping(text, 'copy.yaml').mapping!.version).toBe(mapping!.version);
  });

  it('ships a schema where every property has a description and examples', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      for (const [key, child] of Object.entries(
        (n.properties ?? {}) as Record<string, Record<string, unknown>>,
      )) {
        if (!child.$ref && (!child.description || !child.examples)) missing.push(`${path}.${key}`);
        walk(child, `${path}.${key}`);
      }
      for (const [key, def] of Object.entries((n.$defs ?? {}) as Record<string, unknown>))
        walk(def, `$defs.${key}`);
    };
    walk(mappingSchema, '');
    expect(missing).toEqual([]);
  });
});

describe('the default mappings reproduce the seed tables', () => {
  const fields = (name: 'sales' | 'support') => {
    const { mapping } = loadMapping(readRepoFile(`mappings/defaults/${name}.yaml`), `${name}.yaml`);
    return Object.fromEntries(Object.entries(mapping!.objects).map(([o, fs]) => [o, fs.map((f) => f.field)]));
  };

  it('sales: Name, Phone, Company on the Lead; subject and comments on the Task', () => {
    expect(fields('sales')).toEqual({
      Lead: ['LastName', 'Phone', 'Company', 'Email'],
      Contact: [],
      Account: [],
      Case: [],
      Task: ['Subject', 'Description', 'Status', 'ActivityDate'],
    });
  });

  it('support: Name and Phone on the Contact; name, email, phone, company, subject, description on the Case', () => {
    expect(fields('support')).toEqual({
      Lead: [],
      Contact: ['LastName', 'Phone', 'Email'],
      Account: [],
      Case: [
        'Subject',
        'SuppliedName',
        'SuppliedEmail',
        'SuppliedPhone',
        'SuppliedCompany',
        'Origin',
        'Description',
      ],
      Task: [],
    });
  });
});
