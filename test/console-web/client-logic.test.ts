// The console's pure parts, run in Node: CSV export, error words, relative times, the budget plot and role rules.
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/console-web/client/csv.ts';
import { errorInWords, relativeTime } from '../../src/console-web/client/format.ts';
import { can } from '../../src/console-web/client/permissions.ts';
import { addSample, barGeometry, niceMax, plotGeometry } from '../../src/console-web/client/plot.ts';

describe('CSV export', () => {
  it('quotes separators, quotes and line breaks, and defuses spreadsheet formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', null],
          ['=HYPERLINK("x")', -1],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n"\'=HYPERLINK(""x"")",\'-1\r\n');
  });
});

describe('words for the API codes', () => {
  it('explains a known code and keeps Salesforce message', () => {
    expect(errorInWords('API_BUDGET', 'at 96 %')).toBe(
      'Waiting for the daily Salesforce API budget. (at 96 %)',
    );
    expect(errorInWords('SOMETHING_NEW', 'Salesforce said no')).toBe('Salesforce said no');
    expect(errorInWords('SOMETHING_NEW', null)).toBe('Error SOMETHING_NEW');
    expect(errorInWords(null, null)).toBe('');
  });

  it('says times relative to now', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(relativeTime('2026-11-29T12:03:00Z', now)).toBe('in 3 min');
    expect(relativeTime('2026-11-29T10:00:00Z', now)).toBe('2 h ago');
    expect(relativeTime(null, now)).toBe('');
  });
});

describe('the budget plot', () => {
  it('maps time to x and share to y, clamped to the frame', () => {
    const samples = [
      { at: 0, share: 0 },
      { at: 50, share: 0.5 },
      { at: 100, share: 1.4 },
    ];
    const plot = plotGeometry(samples, 200, 100);
    expect(plot.points).toBe('0,100 100,50 200,0');
    expect(plot.y(0.8)).toBe(20);
  });

  it('keeps one sample per report, in time order, the newest ones', () => {
    let samples = addSample([], { at: 2, share: 0.2 });
    samples = addSample(samples, { at: 1, share: 0.1 });
    samples = addSample(samples, { at: 2, share: 0.2 });
    expect(samples).toEqual([
      { at: 1, share: 0.1 },
      { at: 2, share: 0.2 },
    ]);
    expect(addSample(samples, { at: 3, share: 0.3 }, 2).map((s) => s.at)).toEqual([2, 3]);
  });
});

describe('the usage history plots', () => {
  it('draws one bar per day, scaled to the top of the axis, none for a day without a figure', () => {
    expect(barGeometry([0.5, null, 1, 2], 400, 100, 1)).toEqual([
      { x: 15, y: 50, width: 70, height: 50 },
      null,
      { x: 215, y: 0, width: 70, height: 100 },
      { x: 315, y: 0, width: 70, height: 100 },
    ]);
    // 0.1 % of the limit still shows; nothing used shows nothing.
    expect(barGeometry([0.001, 0], 200, 100, 1).map((bar) => bar?.height)).toEqual([1, 0]);
  });

  it('puts the top of the calls-per-chat axis at 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.4, 1, 3.2, 7, 12, 250].map(niceMax)).toEqual([1, 1, 1, 5, 10, 20, 500]);
  });
});

describe('what a role may do in the console', () => {
  it('lets agents retry and resolve but not publish or reconnect; integrations only look', () => {
    expect(
      ['retrySync', 'resolveReview', 'publishMapping', 'manageConnection'].map((c) =>
        can('AGENT', c as never),
      ),
    ).toEqual([true, true, false, false]);
    expect(can('INTEGRATION', 'viewMapping')).toBe(false);
    expect(can('ADMIN', 'publishMapping')).toBe(true);
    expect(can('SYSTEM', 'viewSync')).toBe(false);
  });
});
