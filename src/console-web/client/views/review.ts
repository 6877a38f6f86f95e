// The review inbox: chats waiting in NEEDS_REVIEW with their candidates side by side (the mapping's display
// fields); picking one calls resolveSalesforceMatch, which the service remembers for the visitor.

import type { ConsoleReviewQueueQuery } from '../../generated/graphql.ts';
import { ApiError, failure } from '../api.ts';
import { ResolveMatchMutation, ReviewQueueQuery } from '../documents.ts';
import { announce, errorText, h, replace } from '../dom.ts';
import { errorInWords, sectionName, timestamp } from '../format.ts';
import { can } from '../permissions.ts';
import { link } from './sync-log.ts';
import type { View, ViewContext } from './view.ts';

type Item = ConsoleReviewQueueQuery['syncRecords']['edges'][number]['node'];
type Candidate = Item['matchCandidates'][number];

export function reviewView(root: HTMLElement, ctx: ViewContext): View {
  const mayResolve = can(ctx.role, 'resolveReview');
  const list = h('div', { class: 'reviews' });
  let shown = '';

  async function refresh(): Promise<void> {
    const items = (await ctx.request(ReviewQueueQuery)).syncRecords.edges.map((e) => e.node);
    const key = JSON.stringify(items);
    if (key === shown) return;
    shown = key;
    replace(
      list,
      items.length === 0 ? h('p', { class: 'muted' }, 'Nothing waits for review.') : items.map(card),
    );
  }

  function card(item: Item): HTMLElement {
    const headingId = `review-${item.id}`;
    const fieldNames = [...new Set(item.matchCandidates.flatMap((c) => Object.keys(fieldsOf(c))))];
    return h(
      'section',
      { class: 'card', 'aria-labelledby': headingId, 'data-source': item.sourceId },
      h('h2', { id: headingId }, `${sectionName(item.sourceKind)} ${item.sourceId}`),
      h(
        'p',
        {},
        `Recorded ${timestamp(item.createdAt)}. ${errorInWords(item.lastErrorCode, item.lastError)}`,
      ),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'candidates' },
          h('caption', {}, 'Candidates'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Field'),
              item.matchCandidates.map((c) =>
                h('th', { scope: 'col' }, link(c.url, `${c.object} ${c.salesforceId}`)),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, 'Found by'),
              item.matchCandidates.map((c) => h('td', {}, c.rule)),
            ),
            fieldNames.map((name) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, name),
                item.matchCandidates.map((c) => h('td', {}, display(fieldsOf(c)[name]))),
              ),
            ),
            h(
              'tr',
              {},
              h('td', {}),
              item.matchCandidates.map((c) =>
                h(
                  'td',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      disabled: !mayResolve,
                      title: mayResolve ? null : 'Your role may not resolve reviews',
                      onclick: () => void pick(item, c),
                    },
                    `Pick ${c.object} ${c.salesforceId}`,
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  async function pick(item: Item, candidate: Candidate): Promise<void> {
    try {
      const result = (
        await ctx.request(ResolveMatchMutation, {
          id: item.id,
          object: candidate.object,
          salesforceId: candidate.salesforceId,
        })
      ).resolveSalesforceMatch;
      const refused = failure(result);
      if (refused) throw new ApiError(refused, result.__typename);
      announce(`${item.sourceId}: ${candidate.object} ${candidate.salesforceId} picked; the sync continues.`);
    } catch (error) {
      announce(`Not resolved: ${errorText(error)}`, 'error');
    }
    await refresh();
  }

  replace(
    root,
    h('h1', {}, 'Review inbox'),
    h(
      'p',
      { class: 'muted' },
      'Several Salesforce records match these visitors. Pick the right one: it is remembered for the visitor.',
    ),
    list,
  );
  return { refresh };
}

function fieldsOf(candidate: Candidate): Record<string, unknown> {
  return candidate.fields && typeof candidate.fields === 'object'
    ? (candidate.fields as Record<string, unknown>)
    : {};
}

function display(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
