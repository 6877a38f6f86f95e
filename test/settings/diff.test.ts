import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/mapping/diff.ts';

const labels = { from: 'mapping v1', to: 'draft' };
const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', labels)).toEqual({ text: '', added: 0, removed: 0 });
  });

  it('prints a changed line with three lines of context, as diff -u', () => {
    const before = `${numbered(10).join('\n')}\n`;
    const after = before.replace('line 5\n', 'line five\n');
    expect(unifiedDiff(before, after, labels)).toEqual({
      added: 1,
      removed: 1,
      text: [
        '--- mapping v1',
        '+++ draft',
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+line five',
        ' line 6',
        ' line 7',
        ' line 8',
        '',
      ].join('\n'),
    });
  });

  it('prints changes far apart as separate hunks', () => {
    const before = numbered(30);
    const after = [...before];
    after[1] = 'second';
    after.splice(25, 1);
    const { text } = unifiedDiff(`${before.join('\n')}\n`, `${after.join('\n')}\n`, labels);
    expect(text.split('\n').filter((l) => l.startsWith('@@'))).toEqual([
      '@@ -1,5 +1,5 @@',
      '@@ -23,7 +23,6 @@',
    ]);
  });

  it('counts lines added to an empty text', () => {
    const { text, added } = unifiedDiff('', 'a\nb\n', labels);
    expect(added).toBe(2);
    expect(text).toBe('--- mapping v1\n+++ draft\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  });
});
