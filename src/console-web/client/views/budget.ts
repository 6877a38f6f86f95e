// The API budget: the org's daily API use (used/limit) as a small SVG plot, the governor's state and what it holds
// back. The API reports the latest figure only, so the plot draws the reports seen in this browser session.
import { ApiUsageQuery } from '../documents.ts';
import { announce, errorText, h, replace, svg } from '../dom.ts';
import { percent, timestamp } from '../format.ts';
import { can } from '../permissions.ts';
import { addSample, plotGeometry, type Sample } from '../plot.ts';
import { BUDGET_SAMPLES } from '../session.ts';
import type { View, ViewContext } from './view.ts';

const WIDTH = 480;
const HEIGHT = 120;
const STATE_WORDS: Record<string, string> = {
  OK: 'OK: everything is written.',
  LOW_PRIORITY_DEFERRED:
    'Over the low-priority threshold: updates of matched Leads, Contacts and Accounts wait; Tasks and Cases are still written.',
  ALL_DEFERRED: 'Over the hard threshold: every write waits until the budget allows. Nothing fails.',
};

export function budgetView(root: HTMLElement, ctx: ViewContext): View {
  const content = h('div');
  let samples: Sample[] = JSON.parse(sessionStorage.getItem(BUDGET_SAMPLES) ?? '[]') as Sample[];
  let shown = '';

  async function refresh(refreshUsage = false): Promise<void> {
    const usage = (await ctx.request(ApiUsageQuery, { refresh: refreshUsage || null })).salesforceApiUsage;
    if (usage) {
      samples = addSample(samples, { at: Date.parse(usage.updatedAt), share: usage.share });
      sessionStorage.setItem(BUDGET_SAMPLES, JSON.stringify(samples));
    }
    const key = JSON.stringify(usage);
    if (key === shown) return;
    shown = key;
    if (!usage) {
      replace(
        content,
        h('p', { class: 'muted' }, 'No usage reported yet: Salesforce has not been called for this tenant.'),
      );
      return;
    }
    const geometry = plotGeometry(samples, WIDTH, HEIGHT);
    const threshold = (share: number, name: string) =>
      svg('line', {
        x1: 0,
        x2: WIDTH,
        y1: geometry.y(share),
        y2: geometry.y(share),
        class: `threshold ${name}`,
      });
    replace(
      content,
      h(
        'dl',
        { class: 'figures' },
        h('dt', {}, 'Used'),
        h(
          'dd',
          { id: 'budget-used' },
          `${usage.used.toLocaleString()} of ${usage.limit.toLocaleString()} (${percent(usage.share)})`,
        ),
        h('dt', {}, 'Remaining'),
        h('dd', {}, usage.remaining.toLocaleString()),
        h('dt', {}, 'Governor'),
        h('dd', { id: 'budget-state' }, STATE_WORDS[usage.state] ?? usage.state),
        h('dt', {}, 'Held back'),
        h('dd', {}, `${usage.waiting} chat(s) and conversation(s) waiting for the budget`),
        h('dt', {}, 'Reported'),
        h('dd', {}, timestamp(usage.updatedAt)),
      ),
      h(
        'figure',
        {},
        svg(
          'svg',
          {
            viewBox: `-4 -4 ${WIDTH + 8} ${HEIGHT + 8}`,
            class: 'plot',
            role: 'img',
            'aria-label': `API use over this session, now ${percent(usage.share)} of the daily limit`,
          },
          svg('rect', { x: 0, y: 0, width: WIDTH, height: HEIGHT, class: 'frame' }),
          threshold(usage.lowPriorityThreshold, 'low'),
          threshold(usage.allThreshold, 'all'),
          svg('polyline', { points: geometry.points, class: 'series' }),
          ...(samples.length === 1
            ? [svg('circle', { cx: WIDTH, cy: geometry.y(usage.share), r: 3, class: 'dot' })]
            : []),
        ),
        h(
          'figcaption',
          {},
          `Share of the daily API limit used (rolling 24 hours), as reported since this session began; dashed lines at ${percent(usage.lowPriorityThreshold)} and ${percent(usage.allThreshold)}.`,
        ),
      ),
    );
  }

  replace(
    root,
    h('h1', {}, 'API budget'),
    can(ctx.role, 'refreshBudget')
      ? h(
          'button',
          {
            type: 'button',
            onclick: () =>
              void refresh(true).then(
                () => announce('Usage read from Salesforce.'),
                (e) => announce(errorText(e), 'error'),
              ),
          },
          'Ask Salesforce now',
        )
      : null,
    content,
  );
  return { refresh: () => refresh() };
}
