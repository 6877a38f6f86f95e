// Golden plans for every scenario of the seed. Each golden file is the whole plan (long strings shortened);
// the assertions beside it state the point of the scenario.
import { describe, expect, it } from 'vitest';
import { type DmlPlan, lookupsFor, planEvent } from '../../src/mapping/index.ts';
import { renderRead } from '../../src/salesforce/read-path/index.ts';
import { chatEvent, defaultMapping, endedChat, lookups, readable } from './helpers.ts';

const golden = (name: string, plan: DmlPlan) =>
  expect(`${JSON.stringify(readable(plan), null, 2)}\n`).toMatchFileSnapshot(
    `./fixtures/plans/${name}.plan.json`,
  );

const sales = defaultMapping('sales');
const support = defaultMapping('support');
const lead = {
  Id: '00Q000000000001AAA',
  Email: 'jane.doe@example.com',
  Phone: null,
  LastName: 'Doe',
  Company: 'Example Corp',
  IsConverted: false,
  LastModifiedDate: '2024-01-10T09:00:00.000+0000',
  CreatedDate: '2024-01-02T09:00:00.000+0000',
};
const contact = {
  Id: '003000000000001AAA',
  Email: 'jane.doe@example.com',
  Phone: null,
  LastName: 'Smith',
  AccountId: null,
  LastModifiedDate: '2024-01-10T09:00:00.000+0000',
  CreatedDate: '2024-01-02T09:00:00.000+0000',
};
const byEmail = (object: string, row: Record<string, unknown>) => ({
  [`identify:${object}:${object.toLowerCase()}-by-email`]: [row],
});

describe('sales setup: visitors as Leads, chats as Tasks', () => {
  it('records a new visitor as a Lead with a Task under it when the chat starts', async () => {
    const plan = planEvent(sales, chatEvent(), lookups());
    expect(plan.steps.map((s) => `${s.op} ${s.ref}`)).toEqual(['create lead', 'create task']);
    expect(plan.steps[1]).toMatchObject({
      fields: { WhoId: { ref: 'lead' }, Status: 'In Progress', ActivityDate: '2024-01-15' },
    });
    expect(plan.matched).toBeUndefined();
    await golden('sales-new-visitor', plan);
  });

  it('adds a Task to the known Lead and fills only its blank fields', async () => {
    const plan = planEvent(sales, endedChat(), lookups({ records: byEmail('Lead', lead) }));
    expect(plan.matched).toEqual({ object: 'Lead', id: lead.Id, rule: 'lead-by-email' });
    expect(plan.steps[0]).toEqual({
      op: 'update',
      ref: 'lead',
      object: 'Lead',
      id: lead.Id,
      fields: { Phone: '+1 (555) 010-2030' },
    });
    expect(plan.steps[1]).toMatchObject({
      op: 'create',
      object: 'Task',
      fields: { WhoId: lead.Id, Status: 'Completed' },
    });
    await golden('sales-known-lead', plan);
  });

  it('finds a Lead by phone when the email rule finds nothing, comparing digits', () => {
    const row = { ...lead, Email: 'other@example.com', Phone: '555.010.2030' };
    const plan = planEvent(
      sales,
      chatEvent(),
      lookups({ records: { 'identify:Lead:lead-by-phone': [row] } }),
    );
    expect(plan.matched).toEqual({ object: 'Lead', id: lead.Id, rule: 'lead-by-phone' });
  });

  it('follows a converted Lead to its Contact', async () => {
    const converted = { ...lead, IsConverted: true, ConvertedContactId: '003000000000009AAA' };
    const plan = planEvent(sales, endedChat(), lookups({ records: byEmail('Lead', converted) }));
    expect(plan.steps.map((s) => s.op)).toEqual(['create']);
    expect(plan.steps[0]).toMatchObject({ object: 'Task', fields: { WhoId: '003000000000009AAA' } });
    await golden('sales-converted-lead', plan);
  });

  it('completes the Task created at chat start when the chat ends', async () => {
    const known = { leadId: lead.Id, taskId: '00T000000000001AAA' };
    const ls = lookups({
      known,
      records: { 'identify:Lead:known': [{ ...lead, Phone: '+1 (555) 010-2030' }] },
    });
    expect(lookupsFor(sales, endedChat(), known).map((l) => l.key)).toEqual(['identify:Lead:known', 'owner']);
    const plan = planEvent(sales, endedChat(), ls);
    expect(plan.matched).toEqual({ object: 'Lead', id: lead.Id, rule: 'known' });
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({
      op: 'update',
      object: 'Task',
      id: known.taskId,
      fields: { Status: 'Completed' },
    });
    await golden('sales-chat-ended-known-task', plan);
  });

  it('records an offline message as a Lead and a completed Task', () => {
    const plan = planEvent(
      sales,
      chatEvent({
        kind: 'chat.offline_message',
        messages: [{ at: '2024-01-15T22:00:00Z', from: 'visitor', text: 'Call me back' }],
      }),
      lookups(),
    );
    expect(plan.steps[1]).toMatchObject({ fields: { Status: 'Completed' } });
    expect((plan.steps[1] as unknown as { fields: { Description: string } }).fields.Description).toContain(
      'Call me back',
    );
  });

  it('takes the most recently modified of several matching Leads', () => {
    const older = { ...lead, Id: '00Q000000000002AAA', LastModifiedDate: '2023-01-01T00:00:00.000+0000' };
    const plan = planEvent(
      sales,
      chatEvent(),
      lookups({ records: { 'identify:Lead:lead-by-email': [older, lead] } }),
    );
    expect(plan.matched?.id).toBe(lead.Id);
    expect(plan.notes).toContain('Lead rule lead-by-email found 2 records; took the most recently modified');
  });

  it('writes nothing and names the candidates when several match and onMultiple is none', () => {
    const m = defaultMapping('sales', [['onMultiple: mostRecentlyModified', 'onMultiple: none']]);
    const other = { ...lead, Id: '00Q000000000002AAA', Name: 'Jane Other' };
    const plan = planEvent(
      m,
      chatEvent(),
      lookups({ records: { 'identify:Lead:lead-by-email': [other, lead] } }),
    );
    expect(plan.matched).toBeUndefined();
    expect(plan.steps).toEqual([]);
    expect(plan.ambiguous).toEqual({
      object: 'Lead',
      rule: 'lead-by-email',
      candidates: [
        {
          id: other.Id,
          fields: { Name: 'Jane Other', Email: lead.Email, Phone: null, Company: lead.Company },
        },
        { id: lead.Id, fields: { Email: lead.Email, Phone: null, Company: lead.Company } },
      ],
    });
  });

  it('still creates a Lead when an agent asks for one, whatever matches', () => {
    const m = defaultMapping('sales', [['onMultiple: mostRecentlyModified', 'onMultiple: none']]);
    const other = { ...lead, Id: '00Q000000000002AAA' };
    const plan = planEvent(
      m,
      chatEvent(),
      lookups({ records: { 'identify:Lead:lead-by-email': [other, lead] } }),
      { action: 'createLead' },
    );
    expect(plan.ambiguous).toBeUndefined();
    expect(plan.steps[0]).toMatchObject({ op: 'create', object: 'Lead' });
  });
});

describe('support setup: visitors as Contacts, chats as Cases', () => {
  it("never sends the Case's create-only web fields (Supplied*) on the update of the Case made at chat start", () => {
    const known = { contactId: contact.Id, caseId: '500000000000001AAA' };
    const plan = planEvent(
      support,
      endedChat(),
      lookups({ known, records: { 'identify:Contact:known': [contact] } }),
    );
    const update = plan.steps.find((s) => s.op === 'update' && s.object === 'Case');
    expect(update).toMatchObject({ id: known.caseId, fields: { Description: expect.any(String) } });
    expect(Object.keys(update!.fields).filter((f) => f.startsWith('Supplied'))).toEqual([]);
    expect(plan.skipped).toContainEqual({
      object: 'Case',
      field: 'SuppliedName',
      reason: 'create-only: written when the record was created',
    });
  });

  it('records a new visitor as a Contact under the matched Account, with a Case', async () => {
    const account = {
      Id: '001000000000001AAA',
      Name: 'Example Corp',
      LastModifiedDate: '2024-01-01T00:00:00Z',
    };
    const plan = planEvent(
      support,
      endedChat(),
      lookups({ records: { 'identify:Account:account-by-company': [account] } }),
    );
    expect(plan.steps.map((s) => `${s.op} ${s.ref}`)).toEqual(['create contact', 'create case']);
    expect(plan.steps[0]).toMatchObject({ fields: { AccountId: account.Id, OwnerId: '005AGENT0000001AAA' } });
    expect(plan.steps[1]).toMatchObject({
      fields: {
        ContactId: { ref: 'contact' },
        AccountId: account.Id,
        Origin: 'Web',
        SuppliedName: 'Jane Doe',
        SuppliedEmail: 'jane.doe@example.com',
        SuppliedPhone: '+1 (555) 010-2030',
        SuppliedCompany: 'Example Corp',
      },
    });
    await golden('support-new-visitor', plan);
  });

  it('records an inbox conversation as a Case with Origin Email', () => {
    const event = chatEvent({
      kind: 'conversation.started',
      subject: 'Invoice question',
      channel: 'Email',
      visitor: { lastName: 'Doe', email: 'jane@example.com' },
    });
    const plan = planEvent(support, event, lookups());
    expect(plan.section).toBe('inbox');
    expect(plan.steps[0]).toMatchObject({ object: 'Contact', fields: { LastName: 'Doe' } });
    expect(plan.steps[1]).toMatchObject({
      object: 'Case',
      fields: { Origin: 'Email', Subject: 'Invoice question - Email conversation (acme)' },
    });
  });

  it.each([
    ['never', [], ['LastName', 'Phone', 'Email']],
    [
      'overwrite',
      [
        ['LastName', 'Jane Doe'],
        ['Phone', '+1 (555) 010-2030'],
      ],
      ['Email'],
    ],
    ['fillBlanks', [['Phone', '+1 (555) 010-2030']], ['LastName', 'Email']],
  ] as const)('updates a known Contact under policy %s', async (policy, updated, skipped) => {
    const m = defaultMapping('support', [['default: fillBlanks', `default: ${policy}`]]);
    const plan = planEvent(m, endedChat(), lookups({ records: byEmail('Contact', contact) }));
    expect(plan.matched).toEqual({ object: 'Contact', id: contact.Id, rule: 'contact-by-email' });
    const update = plan.steps.find((s) => s.op === 'update');
    expect(update ? Object.entries(update.fields) : []).toEqual(updated);
    expect(plan.skipped.filter((s) => s.object === 'Contact').map((s) => s.field)).toEqual(skipped);
    expect(plan.steps.at(-1)).toMatchObject({
      op: 'create',
      object: 'Case',
      fields: { ContactId: contact.Id },
    });
    await golden(`support-known-contact-${policy}`, plan);
  });

  it("files the Case under the matched Contact's Account", () => {
    const row = { ...contact, AccountId: '001000000000007AAA' };
    const plan = planEvent(support, endedChat(), lookups({ records: byEmail('Contact', row) }));
    expect(plan.steps.at(-1)).toMatchObject({
      object: 'Case',
      fields: { ContactId: contact.Id, AccountId: row.AccountId },
    });
  });

  it('applies per-field overrides over the default policy', () => {
    const m = defaultMapping('support', [
      ['default: fillBlanks', 'default: never\n  fields:\n    Contact:\n      LastName: overwrite'],
    ]);
    const plan = planEvent(m, endedChat(), lookups({ records: byEmail('Contact', contact) }));
    expect(plan.steps[0]).toEqual({
      op: 'update',
      ref: 'contact',
      object: 'Contact',
      id: contact.Id,
      fields: { LastName: 'Jane Doe' },
    });
  });

  it('never overwrites Salesforce data with a default value', () => {
    const m = defaultMapping('support', [['default: fillBlanks', 'default: overwrite']]);
    const plan = planEvent(
      m,
      endedChat({ visitor: { email: 'jane.doe@example.com' } }),
      lookups({ records: byEmail('Contact', contact) }),
    );
    expect(plan.steps.some((s) => s.op === 'update')).toBe(false);
    expect(plan.skipped).toContainEqual({
      object: 'Contact',
      field: 'LastName',
      reason: 'only a default value: never replaces Salesforce data',
    });
  });
});

describe('owner rule', () => {
  it("makes the Salesforce User with the agent's email the owner of every created record", () => {
    const plan = planEvent(support, endedChat(), lookups());
    for (const step of plan.steps)
      if (step.op === 'create') expect(step.fields.OwnerId).toBe('005AGENT0000001AAA');
    const owner = lookupsFor(support, endedChat()).at(-1);
    expect(owner).toMatchObject({ key: 'owner', purpose: 'owner', object: 'User' });
    expect(renderRead(owner!.read)).toBe(
      "SELECT Id FROM User WHERE Email = 'sam@acme.example' AND IsActive = true AND UserType = 'Standard' ORDER BY CreatedDate ASC LIMIT 1",
    );
  });

  it("falls back to the connecting user when no User has the agent's email", async () => {
    const plan = planEvent(sales, chatEvent(), lookups({ ownerUserId: null }));
    for (const step of plan.steps)
      if (step.op === 'create') expect(step.fields.OwnerId).toBe('005CONNECT00001AAA');
    await golden('owner-not-found', plan);
  });
});

describe('attachments and long transcripts', () => {
  it('uploads chat attachments to the Case it creates', async () => {
    const event = endedChat({
      attachments: [
        { name: 'screenshot.png', contentType: 'image/png', base64: 'iVBORw0KGgo=' },
        { name: '../etc/passwd', base64: 'eA==' },
      ],
    });
    const plan = planEvent(support, event, lookups());
    expect(plan.steps.filter((s) => s.op === 'upload')).toEqual([
      {
        op: 'upload',
        ref: 'attachment1',
        fields: {
          Title: 'screenshot.png',
          PathOnClient: 'screenshot.png',
          VersionData: 'iVBORw0KGgo=',
          FirstPublishLocationId: { ref: 'case' },
        },
      },
      {
        op: 'upload',
        ref: 'attachment2',
        fields: {
          Title: '.._etc_passwd',
          PathOnClient: '.._etc_passwd',
          VersionData: 'eA==',
          FirstPublishLocationId: { ref: 'case' },
        },
      },
    ]);
    await golden('support-attachments', plan);
  });

  it('truncates an over-long transcript with a marker and attaches it in full', async () => {
    const messages = Array.from({ length: 400 }, (_, i) => ({
      at: '2024-01-15T10:31:00Z',
      from: 'visitor' as const,
      text: `message ${i} ${'x'.repeat(100)}`,
    }));
    const plan = planEvent(sales, endedChat({ messages }), lookups());
    const task = plan.steps.find((s) => s.op === 'create' && s.object === 'Task') as unknown as {
      fields: { Description: string };
    };
    expect(task.fields.Description).toHaveLength(32_000);
    expect(
      task.fields.Description.endsWith(
        '\n[Transcript truncated: the full transcript is attached as chat-1001-transcript.txt]',
      ),
    ).toBe(true);
    const upload = plan.steps.find((s) => s.ref === 'transcript');
    expect(upload).toMatchObject({
      op: 'upload',
      fields: {
        Title: 'chat-1001-transcript.txt',
        PathOnClient: 'chat-1001-transcript.txt',
        FirstPublishLocationId: { ref: 'task' },
      },
    });
    const full = Buffer.from(
      (upload as { fields: { VersionData: string } }).fields.VersionData,
      'base64',
    ).toString('utf8');
    expect(full.length).toBeGreaterThan(32_000);
    expect(full).toContain('message 399');
    expect(full.startsWith(task.fields.Description.slice(0, 1000))).toBe(true);
    await golden('sales-long-transcript', plan);
  });
});

describe('manual mode', () => {
  const manual = defaultMapping('support', [['mode: automatic', 'mode: manual']]);

  it('plans nothing for automatic events', async () => {
    const plan = planEvent(manual, endedChat(), lookups());
    expect(plan.steps).toEqual([]);
    expect(plan.notes).toEqual([
      'mode is manual: events record nothing until an agent chooses an action in the console',
    ]);
    await golden('manual-automatic-event', plan);
  });

  it('plans just the action an agent chose', async () => {
    expect(
      planEvent(manual, endedChat(), lookups(), { action: 'createContact' }).steps.map(
        (s) => `${s.op} ${s.ref}`,
      ),
    ).toEqual(['create contact']);
    const plan = planEvent(manual, endedChat(), lookups({ records: byEmail('Contact', contact) }), {
      action: 'createCase',
    });
    expect(plan.steps.map((s) => `${s.op} ${s.ref}`)).toEqual(['update contact', 'create case']);
    expect(plan.steps[1]).toMatchObject({ fields: { ContactId: contact.Id } });
    await golden('manual-create-case', plan);
  });
});

describe('what is not recorded', () => {
  it('records nothing for a section set to none', () => {
    const m = defaultMapping('sales', [
      [
        '    record: sales\n    recordOn: [conversation.started]\n    contentOn: [conversation.ended]',
        '    record: none',
      ],
    ]);
    const plan = planEvent(m, chatEvent({ kind: 'conversation.started' }), lookups());
    expect(plan).toMatchObject({ setup: 'none', steps: [], notes: ['the inbox section records nothing'] });
  });

  it('records nothing for an event that is not a trigger', () => {
    const m = defaultMapping('sales', [
      ['recordOn: [chat.started, chat.offline_message]', 'recordOn: [chat.offline_message]'],
    ]);
    expect(planEvent(m, chatEvent(), lookups()).notes).toEqual([
      "chat.started is not one of the webChat section's triggers",
    ]);
  });

  it('plans as JSON-serialisable data', () => {
    const plan = planEvent(support, endedChat(), lookups());
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});
