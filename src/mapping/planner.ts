// Stage 5, plan: a pure function of (compiled mapping, event, lookup results) -> DmlPlan. No I/O.
import type { CompiledMapping, IdentifiedObject, ObjectName } from './compile.ts';
import { isCreateOnly } from './create-only.ts';
import type { CxEvent } from './event.ts';
import { sectionOf } from './event.ts';
import { base64, type Evaluated, evaluateField, safeFileName } from './field-values.ts';
import { type Identified, identify } from './identify.ts';
import type { LookupResults } from './lookups.ts';
import { updateFields } from './overwrite.ts';
import type { DmlPlan, FieldValue, ManualAction, MatchCandidate, PlanStep } from './plan.ts';
import { buildContext, type SourceContext } from './sources.ts';
import { renderTemplate, withRenderBudget } from './templates.ts';

export function planEvent(
  mapping: CompiledMapping,
  event: CxEvent,
  lookups: LookupResults,
  options: { action?: ManualAction } = {},
): DmlPlan {
  return withRenderBudget(() => planWithinBudget(mapping, event, lookups, options));
}

function planWithinBudget(
  mapping: CompiledMapping,
  event: CxEvent,
  lookups: LookupResults,
  options: { action?: ManualAction },
): DmlPlan {
  const section = sectionOf(event.kind);
  const s = mapping.sections[section];
  const plan: DmlPlan = {
    mappingVersion: mapping.version,
    eventId: event.id,
    eventKind: event.kind,
    section,
    setup: s.record,
    // Set when the visitor is identified; declared here so it prints before the steps.
    matched: undefined,
    steps: [],
    skipped: [],
    notes: [],
  };
  const p = new Planner(mapping, event, lookups, plan);
  if (options.action) {
    p.action(options.action);
    return withoutGuessing(plan);
  }
  if (mapping.mode === 'manual') {
    plan.notes.push('mode is manual: events record nothing until an agent chooses an action in the console');
    return plan;
  }
  if (s.record === 'none') {
    plan.notes.push(`the ${section} section records nothing`);
    return plan;
  }
  if (!s.recordOn.includes(event.kind) && !s.contentOn.includes(event.kind)) {
    plan.notes.push(`${event.kind} is not one of the ${section} section's triggers`);
    return plan;
  }
  if (s.record === 'sales') p.sales();
  else p.support();
  return withoutGuessing(plan);
}

/** An ambiguous visitor writes nothing: an agent picks the record, then the chat is planned again. */
function withoutGuessing(plan: DmlPlan): DmlPlan {
  if (!plan.ambiguous) return plan;
  plan.steps = [];
  plan.notes.push(
    `${plan.ambiguous.object}: ${plan.ambiguous.candidates.length} records match (rule ${plan.ambiguous.rule}) and onMultiple is none: waiting for an agent to choose`,
  );
  return plan;
}

/** Fields shown for a candidate when the mapping's display lists none for its object. */
const DEFAULT_CANDIDATE_FIELDS = ['Name', 'Email', 'Phone', 'Company'];

class Planner {
  private readonly context: SourceContext;
  private ownerNoted = false;
  /** The matched Contact's AccountId, for the Case when no Account was identified. */
  private contactAccountId: string | undefined;

  constructor(
    private readonly mapping: CompiledMapping,
    private readonly event: CxEvent,
    private readonly lookups: LookupResults,
    private readonly plan: DmlPlan,
  ) {
    this.context = buildContext(event);
  }

  /** Visitor as Lead, chat as Task under it. */
  sales(): void {
    this.activity('Task', this.lead(true));
  }

  /** Visitor as Contact (under the matched Account), chat as Case. */
  support(): void {
    const account = this.account();
    const contact = this.contact(account, true);
    this.activity('Case', contact, account ?? this.contactAccountId);
  }

  action(action: ManualAction): void {
    switch (action) {
      case 'createLead':
        this.lead(false);
        return;
      case 'createContact':
        this.contact(this.account(), false);
        return;
      case 'createTask': {
        const who = this.find('Lead')
          ? this.lead(true)
          : this.find('Contact')
            ? this.contact(undefined, true)
            : undefined;
        if (!who) this.plan.notes.push('no Lead or Contact found: the Task is created without WhoId');
        this.activity('Task', who);
        return;
      }
      case 'createCase': {
        const account = this.account();
        const contact = this.find('Contact') ? this.contact(account, true) : undefined;
        if (!contact) this.plan.notes.push('no Contact found: the Case is created without ContactId');
        this.activity('Case', contact, account ?? this.contactAccountId);
        return;
      }
      default: {
        const never: never = action;
        this.plan.notes.push(`unknown action ${String(never)}`);
      }
    }
  }

  /** Whether the visitor is this object: one record matched, or several an agent must choose from. */
  private find(object: IdentifiedObject): boolean {
    let several = false;
    const found = identify(this.mapping, object, this.context, this.lookups, [], () => {
      several = true;
    });
    return !!found || several;
  }

  /** Identifies the visitor; when several records match and this plan would use the match, notes the ambiguity. */
  private identify(object: IdentifiedObject, reuse: boolean): Identified | undefined {
    return identify(this.mapping, object, this.context, this.lookups, this.plan.notes, (found) => {
      if (!reuse || this.plan.ambiguous) return;
      const display = this.mapping.display[this.plan.section][object] ?? DEFAULT_CANDIDATE_FIELDS;
      const candidates: MatchCandidate[] = found.rows.map((row) => ({
        id: row.Id as string,
        fields: Object.fromEntries(display.filter((f) => f in row).map((f) => [f, row[f]])),
      }));
      this.plan.ambiguous = { object, rule: found.rule, candidates };
    });
  }

  /** The Lead's id (matched, or the one this plan creates); a converted Lead yields its Contact. */
  private lead(reuse: boolean): FieldValue {
    const found = this.identify('Lead', reuse);
    if (found && reuse) {
      this.plan.matched = { object: 'Lead', id: found.id, rule: found.rule };
      const convertedTo = found.record?.IsConverted === true ? found.record.ConvertedContactId : undefined;
      if (typeof convertedTo === 'string' && convertedTo) {
        this.plan.notes.push(
          `Lead ${found.id} is converted: the activity goes to its Contact ${convertedTo}`,
        );
        return convertedTo;
      }
      this.update('Lead', 'lead', found);
      return found.id;
    }
    if (found)
      this.plan.notes.push(`Lead ${found.id} already matches (rule ${found.rule}); creating one as asked`);
    return this.create('Lead', 'lead', {});
  }

  private contact(account: FieldValue | undefined, reuse: boolean): FieldValue {
    const found = this.identify('Contact', reuse);
    if (found && reuse) {
      this.plan.matched = { object: 'Contact', id: found.id, rule: found.rule };
      const accountId = found.record?.AccountId;
      if (typeof accountId === 'string' && accountId) this.contactAccountId = accountId;
      this.update('Contact', 'contact', found);
      return found.id;
    }
    if (found)
      this.plan.notes.push(`Contact ${found.id} already matches (rule ${found.rule}); creating one as asked`);
    return this.create('Contact', 'contact', account === undefined ? {} : { AccountId: account });
  }

  private account(): FieldValue | undefined {
    const found = this.identify('Account', true);
    if (found) {
      this.plan.notes.push(`Account ${found.id} matched by rule ${found.rule}`);
      this.update('Account', 'account', found);
      return found.id;
    }
    const mapped = this.mapping.objects.Account;
    const fromEvent = mapped.some((f) => f.sources.length > 0 || f.template);
    if (!fromEvent) return undefined;
    const values = this.values('Account');
    if (![...values.values()].some((e) => e.kind === 'value' && !e.fromDefault)) return undefined;
    return this.create('Account', 'account', {});
  }

  /** Creates the Task/Case, or updates the one recorded earlier, then uploads files to it. */
  private activity(object: 'Task' | 'Case', person?: FieldValue, account?: FieldValue): void {
    const ref = object === 'Task' ? 'task' : 'case';
    const knownId = object === 'Task' ? this.lookups.known?.taskId : this.lookups.known?.caseId;
    const files: Array<{ name: string; text: string }> = [];
    const fields = this.collect(object, this.values(object), files);
    let target: FieldValue;
    if (knownId) {
      this.plan.steps.push({
        op: 'update',
        ref,
        object,
        id: knownId,
        fields: this.updatable(object, fields),
      });
      target = knownId;
    } else {
      const links: Record<string, FieldValue> =
        object === 'Task'
          ? person === undefined
            ? {}
            : { WhoId: person }
          : {
              ...(person === undefined ? {} : { ContactId: person }),
              ...(account === undefined ? {} : { AccountId: account }),
            };
      target = this.create(object, ref, links, fields);
    }
    files.forEach((f, i) => {
      this.upload(files.length > 1 ? `transcript${i + 1}` : 'transcript', f.name, base64(f.text), target);
    });
    if (this.mapping.attachments.attachTo.includes(object))
      (this.event.attachments ?? []).forEach((a, i) => {
        this.upload(
          `attachment${i + 1}`,
          safeFileName(String(a.name ?? ''), `attachment-${i + 1}`, ''),
          String(a.base64 ?? ''),
          target,
        );
      });
  }

  private upload(ref: string, name: string, data: string, target: FieldValue): void {
    this.plan.steps.push({
      op: 'upload',
      ref,
      fields: { Title: name, PathOnClient: name, VersionData: data, FirstPublishLocationId: target },
    });
  }

  private create(
    object: ObjectName,
    ref: string,
    links: Record<string, FieldValue>,
    fields = this.collect(object, this.values(object), []),
  ): { ref: string } {
    const owner = this.owner(object);
    const step: PlanStep = { op: 'create', ref, object, fields: { ...fields, ...links, ...owner } };
    this.plan.steps.push(step);
    return { ref };
  }

  private update(object: IdentifiedObject, ref: string, found: Identified): void {
    const fields = this.updatable(
      object,
      updateFields(this.mapping, object, this.values(object), found.record, this.plan.skipped),
    );
    if (Object.keys(fields).length > 0)
      this.plan.steps.push({ op: 'update', ref, object, id: found.id, fields });
  }

  /** The fields an update may carry: create-only ones were written when the record was made. */
  private updatable(object: ObjectName, fields: Record<string, FieldValue>): Record<string, FieldValue> {
    const out: Record<string, FieldValue> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (isCreateOnly(object, field))
        this.plan.skipped.push({ object, field, reason: 'create-only: written when the record was created' });
      else out[field] = value;
    }
    return out;
  }

  private values(object: ObjectName): Map<string, Evaluated> {
    const out = new Map<string, Evaluated>();
    for (const f of this.mapping.objects[object])
      out.set(
        f.field,
        evaluateField(f, this.context, () => this.marker()),
      );
    return out;
  }

  /** Field values for a create (or an update of our own Task/Case); attach overflows become files. */
  private collect(
    object: ObjectName,
    values: Map<string, Evaluated>,
    files: Array<{ name: string; text: string }>,
  ) {
    const fields: Record<string, FieldValue> = {};
    for (const [field, e] of values) {
      if (e.kind === 'skip') {
        this.plan.skipped.push({ object, field, reason: e.reason });
        continue;
      }
      fields[field] = e.value;
      if (e.kind === 'value' && e.truncatedFrom)
        this.plan.notes.push(`${object}.${field} truncated from ${e.truncatedFrom} characters`);
      if (e.kind === 'attach') {
        files.push({ name: this.fileName(), text: e.full });
        this.plan.notes.push(
          `${object}.${field} is ${e.full.length} characters: truncated with a marker, full text attached`,
        );
      }
    }
    return fields;
  }

  private owner(object: ObjectName): Record<string, FieldValue> {
    if (!this.mapping.owner.appliesTo.includes(object)) return {};
    const byAgent =
      this.mapping.owner.rule === 'agentEmailThenConnectingUser' ? this.lookups.ownerUserId : undefined;
    const owner = byAgent || this.lookups.connectingUserId;
    if (!this.ownerNoted) {
      this.ownerNoted = true;
      this.plan.notes.push(
        byAgent
          ? `owner: the Salesforce User ${byAgent} whose email is the agent's`
          : `owner: the connecting user ${owner} (no active Salesforce User has the agent's email)`,
      );
    }
    return { OwnerId: owner };
  }

  private fileName(): string {
    return safeFileName(
      this.render(this.mapping.attachments.fileName.parsed, {}),
      `${this.event.id}-transcript`,
    );
  }

  private marker(): string {
    return this.render(this.mapping.attachments.marker.parsed, { file: this.fileName() });
  }

  private render(template: Parameters<typeof renderTemplate>[0], extra: object): string {
    try {
      return renderTemplate(template, { ...this.context, ...extra }).trim();
    } catch {
      return '';
    }
  }
}
