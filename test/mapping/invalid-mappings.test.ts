import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadMapping } from '../../src/mapping/index.ts';

const dir = new URL('./fixtures/invalid/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('malformed mappings', () => {
  it('has at least 30 fixtures, one problem each', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  it.each(fixtures)('%s reports exactly the expected diagnostic', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const expected = readFileSync(new URL(file.replace(/\.yaml$/, '.expected'), dir), 'utf8')
      .trimEnd()
      .split('\n');
    const { mapping, diagnostics } = loadMapping(text, file);
    expect(mapping).toBeUndefined();
    expect(diagnostics.map((d) => `${formatDiagnostic(d)}  [${d.code}]`)).toEqual(expected);
    expect(diagnostics).toHaveLength(1);
  });
});

describe('all problems of a stage in one run', () => {
  it('reports every schema problem of a document, sorted by position', () => {
    const text = 'version: 2\nmode: sometimes\nsections: {}\nobjects: {}\nextra: true\n';
    const lines = loadMapping(text, 'many.yaml').diagnostics.map(formatDiagnostic);
    expect(lines).toEqual([
      'many.yaml:1:10  version  must be 1',
      'many.yaml:2:7  mode  "sometimes" is not one of: automatic, manual',
      'many.yaml:3:11  sections  must NOT have fewer than 1 properties',
      'many.yaml:5:1  extra  unknown property "extra"',
    ]);
  });

  it('reports every semantic problem together', () => {
    const text = readFileSync(new URL('./fixtures/valid/minimal.yaml', import.meta.url), 'utf8')
      .replace('source: visitor.name', 'source: visitor.nmae')
      .replace('field: Email', 'field: Emial');
    const codes = loadMapping(text, 'two.yaml').diagnostics.map((d) => d.code);
    expect(codes).toEqual(['unknown-salesforce-field', 'unknown-source-field']);
  });

  it('never reaches compile when the YAML is broken', () => {
    const r = loadMapping('version: [1', 'broken.yaml');
    expect(r.mapping).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
  });
});
