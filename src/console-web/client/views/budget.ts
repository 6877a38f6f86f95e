// The API budget: the org's daily API use (used/limit) as small SVG plots, the governor's state and what it holds
// back. One plot draws the reports seen in this browser session; the history (apiUsageHistory) draws the last 14
// days: the share used as last seen each day, and the calls this service sent per chat written.
import type { ConsoleApiUsageHistoryQuery } from '../../generated/graphql.ts';
import { ApiUsageHistoryQuery, ApiUsageQuery } from '../documents.ts';
import { announce, errorText, h, replace, svg } from '../dom.ts';
import { percent, timestamp } from '../format.ts';
import { can } from '../permissions.ts';
import { addSample, barGeometry, niceMax, plotGeometry, type Sample } from '../plot.ts';
import { BUDGET_SAMPLES } from '../session.ts';
import type { View, ViewContext } from './view.ts';

const WIDTH = 480;
const HEIGHT = 120;
/** The history changes by the day: it is asked for again at most this often, not at every poll. */
const HISTORY_EVERY_MS = 30_000;

type UsageDay = ConsoleApiUsageHistoryQuery['apiUsageHistory'][number];
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
  let days: UsageDay[] = [];
  let historyAt = 0;

  async function refresh(refreshUsage = false): Promise<void> {
    const [answer] = await Promise.all([
      ctx.request(ApiUsageQuery, { refresh: refreshUsage || null }),
      refreshUsage || Date.now() - historyAt >= HISTORY_EVERY_MS
        ? ctx.request(ApiUsageHistoryQuery, {}).then((h) => {
            days = h.apiUsageHistory;
            historyAt = Date.now();
          })
        : null,
    ]);
    const usage = answer.salesforceApiUsage;
    if (usage) {
      samples = addSample(samples, { at: Date.parse(usage.updatedAt), share: usage.share });
      sessionStorage.setItem(BUDGET_SAMPLES, JSON.stringify(samples));
    }
    const key = JSON.stringify([usage, days]);
    if (key === shown) return;
    shown = key;
    if (!usage) {
      replace(
        content,
        h('p', { class: 'muted' }, 'No usage reported yet: Salesforce has not been called for this tenant.'),
        history(days, null),
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
      history(days, usage),
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

/** The last days: share of the limit used (as last seen each day) and calls per chat written, as bars, with the
 *  figures in a table for whoever does not read the plots. */
function history(
  days: UsageDay[],
  thresholds: { lowPriorityThreshold: number; allThreshold: number } | null,
): Node {
  if (days.length === 0) return h('section', { 'aria-labelledby': 'history-title' });
  const first = days[0]!.date;
  const last = days.at(-1)!.date;
  const perChat = days.map((d) => d.callsPerChat ?? null);
  const top = niceMax(Math.max(0, ...perChat.map((v) => v ?? 0)));
  const bars = (values: Array<number | null>, max: number, name: string) =>
    barGeometry(values, WIDTH, HEIGHT, max).map((bar, i) =>
      bar
        ? svg(
            'rect',
            { ...bar, class: `bar ${name}` },
            svg('title', {}, document.createTextNode(`${days[i]!.date}: ${label(values[i]!, name)}`)),
          )
        : null,
    );
  const line = (share: number, name: string) =>
    svg('line', {
      x1: 0,
      x2: WIDTH,
      y1: HEIGHT - share * HEIGHT,
      y2: HEIGHT - share * HEIGHT,
      class: `threshold ${name}`,
    });
  const plot = (id: string, aria: string, children: Array<SVGElement | null>) =>
    svg(
      'svg',
      { id, viewBox: `-4 -4 ${WIDTH + 8} ${HEIGHT + 8}`, class: 'plot', role: 'img', 'aria-label': aria },
      svg('rect', { x: 0, y: 0, width: WIDTH, height: HEIGHT, class: 'frame' }),
      ...children.filter((c): c is SVGElement => c !== null),
    );
  const shares = days.map((d) => d.share ?? null);
  return h(
    'section',
    { 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, `Last ${days.length} days`),
    h(
      'figure',
      {},
      plot('history-share', `Share of the daily API limit used per day, ${first} to ${last}`, [
        ...(thresholds
          ? [line(thresholds.lowPriorityThreshold, 'low'), line(thresholds.allThreshold, 'all')]
          : []),
        ...bars(shares, 1, 'share'),
      ]),
      h(
        'figcaption',
        {},
        `Share of the org's daily API limit used, as last reported each day (UTC), ${first} to ${last}.`,
      ),
    ),
    h(
      'figure',
      {},
      plot('history-per-chat', `API calls per chat written per day, ${first} to ${last}, scale 0 to ${top}`, [
        ...bars(perChat, top, 'per-chat'),
      ]),
      h(
        'figcaption',
        {},
        `API calls this service sent per chat or conversation written, per day; the frame's top is ${top}.`,
      ),
    ),
    h(
      'details',
      {},
      h('summary', {}, 'Figures by day'),
      h(
        'table',
        { id: 'usage-history' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Day (UTC)', 'API calls sent', 'Share of limit used', 'Chats written', 'Calls per chat'].map(
              (t) => h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          [...days]
            .reverse()
            .map((d) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, d.date),
                h('td', { class: 'num' }, d.calls.toLocaleString()),
                h('td', { class: 'num' }, d.share == null ? '—' : percent(d.share)),
                h('td', { class: 'num' }, d.chatsWritten.toLocaleString()),
                h('td', { class: 'num' }, d.callsPerChat == null ? '—' : d.callsPerChat.toFixed(1)),
              ),
            ),
        ),
      ),
    ),
  );
}

function label(value: number, name: string): string {
  return name === 'share' ? `${percent(value)} of the limit used` : `${value.toFixed(1)} calls per chat`;
}
