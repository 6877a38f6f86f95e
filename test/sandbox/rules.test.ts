import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { connect, failure, rest, sandbox } from './support.ts';

let sb: Sandbox;
let conn: Connection;
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  conn = await connect(sb);
});

const create = (type: string, fields: Record<string, unknown>, headers?: Record<string, string>) =>
  conn.sobject(type).create(fields, headers ? { headers } : {}) as Promise<{ id: string }>;

describe('field rules', () => {
  it('refuses a Lead without Company with REQUIRED_FIELD_MISSING', async () => {
    const res = await rest(sb, conn, 'POST', '/sobjects/Lead', { LastName: 'Doe' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual([
      {
        message: 'Required fields are missing: [Company]',
        errorCode: 'REQUIRED_FIELD_MISSING',
        fields: ['Company'],
      },
    ]);
    const both = await failure(create('Lead', { FirstName: 'Jane' }));
    expect(both.message).toBe('Required fields are missing: [LastName, Company]');
  });

  it('refuses clearing a required field on update', async () => {
    const { id } = await create('Lead', { LastName: 'Doe', Company: 'Acme' });
    const error = await failure(conn.sobject('Lead').update({ Id: id, Company: null }));
    expect(error.errorCode).toBe('REQUIRED_FIELD_MISSING');
  });

  it('refuses a 32,001-character Description with STRING_TOO_LONG, naming the label', async () => {
    const error = await failure(create('Case', { Description: 'x'.repeat(32_001) }));
    expect(error.errorCode).toBe('STRING_TOO_LONG');
    expect(error.message).toMatch(/^Description: data value too large: x+\.\.\. \(max length=32000\)$/);
    expect(error.data.fields).toEqual(['Description']);
    await expect(create('Case', { Description: 'x'.repeat(32_000) })).resolves.toMatchObject({
      success: true,
    });
    const task = await failure(create('Task', { Description: 'x'.repeat(32_001) }));
    expect(task.message).toMatch(/^Comments: data value too large/);
  });

  it('refuses an invalid email address and accepts unusual valid ones', async () => {
    const error = await failure(create('Contact', { LastName: 'Doe', Email: 'not-an-email' }));
    expect(error.errorCode).toBe('INVALID_EMAIL_ADDRESS');
    expect(error.message).toBe('Email: invalid email address: not-an-email');
    expect((await failure(create('Contact', { LastName: 'Doe', Email: '.a@b.co' }))).errorCode).toBe(
      'INVALID_EMAIL_ADDRESS',
    );
    await expect(
      create('Contact', { LastName: 'Doe', Email: "o'brien+tag@mail.example.co.uk" }),
    ).resolves.toBeTruthy();
  });

  it('accepts any value in an unrestricted picklist and refuses unknown ones when restricted', async () => {
    await expect(create('Case', { Origin: 'Chat' })).resolves.toBeTruthy();
    await sb.control.setSettings({ restrictedPicklists: ['Case.Origin'] });
    const error = await failure(create('Case', { Origin: 'Chat' }));
    expect(error.errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    expect(error.message).toBe('Case Origin: bad value for restricted picklist field: Chat');
    const d = await conn.sobject('Case').describe();
    expect(d.fields.find((f) => f.name === 'Origin')?.restrictedPicklist).toBe(true);
  });

  it('fills picklist defaults and derived fields', async () => {
    const { id } = await create('Case', { Subject: 'Help' });
    const row = await sb.control.record('Case', id);
    expect(row).toMatchObject({ Status: 'New', Priority: 'Medium', Origin: null, IsClosed: false });
    expect(row.CaseNumber).toMatch(/^\d{8}$/);
  });

  it('refuses wrong types with JSON_PARSER_ERROR', async () => {
    expect((await failure(create('Task', { ActivityDate: 'tomorrow' }))).errorCode).toBe('JSON_PARSER_ERROR');
    expect((await failure(create('Task', { CallDurationInSeconds: 'long' }))).errorCode).toBe(
      'JSON_PARSER_ERROR',
    );
  });

  it('refuses writes to read-only fields with INVALID_FIELD_FOR_INSERT_UPDATE', async () => {
    const error = await failure(create('Lead', { LastName: 'Doe', Company: 'Acme', IsConverted: true }));
    expect(error.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    await sb.control.setSettings({ readOnlyFields: ['Lead.Industry'] });
    const fls = await failure(create('Lead', { LastName: 'Doe', Company: 'Acme', Industry: 'Retail' }));
    expect(fls.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(fls.data.fields).toEqual(['Industry']);
    const field = (await conn.sobject('Lead').describe()).fields.find((f) => f.name === 'Industry');
    expect(field).toMatchObject({ createable: false, updateable: false });
  });

  it('hides removed fields from describe and refuses them', async () => {
    await sb.control.setSettings({ removedFields: ['Lead.Industry'] });
    const d = await conn.sobject('Lead').describe();
    expect(d.fields.some((f) => f.name === 'Industry')).toBe(false);
    expect(
      (await failure(create('Lead', { LastName: 'D', Company: 'A', Industry: 'Retail' }))).errorCode,
    ).toBe('INVALID_FIELD');
    expect((await failure(conn.query('SELECT Industry FROM Lead'))).errorCode).toBe('INVALID_FIELD');
  });

  it('accepts declared custom fields with their types and describes them', async () => {
    await sb.control.setSettings({
      customFields: [
        { object: 'Case', name: 'Chat_Transcript__c', type: 'textarea', length: 131072 },
        { object: 'Case', name: 'Score__c', type: 'double' },
        { object: 'Case', name: 'Channel__c', type: 'picklist', picklistValues: ['Chat', 'Email'] },
      ],
    });
    const { id } = await create('Case', { Chat_Transcript__c: 'hello', Score__c: 4.5, Channel__c: 'Chat' });
    expect(await sb.control.record('Case', id)).toMatchObject({ Score__c: 4.5, Channel__c: 'Chat' });
    const field = (await conn.sobject('Case').describe()).fields.find((f) => f.name === 'Score__c');
    expect(field).toMatchObject({ type: 'double', custom: true, nillable: true });
  });
});

describe('relationships', () => {
  it('requires Task.WhoId to be a Lead or Contact', async () => {
    const { id: accountId } = await create('Account', { Name: 'Acme' });
    const error = await failure(create('Task', { Subject: 'Call', WhoId: accountId }));
    expect(error.errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(error.message).toBe(`Name ID: id value of incorrect type: ${accountId}`);
    const { id: leadId } = await create('Lead', { LastName: 'Doe', Company: 'Acme' });
    await expect(create('Task', { Subject: 'Call', WhoId: leadId })).resolves.toBeTruthy();
    expect((await failure(create('Task', { WhoId: leadId, WhatId: accountId }))).errorCode).toBe(
      'FIELD_INTEGRITY_EXCEPTION',
    );
  });

  it('derives Task.AccountId from the contact and Case.AccountId from its contact', async () => {
    const { id: accountId } = await create('Account', { Name: 'Acme' });
    const { id: contactId } = await create('Contact', { LastName: 'Doe', AccountId: accountId });
    const { id: taskId } = await create('Task', { Subject: 'Call', WhoId: contactId });
    expect((await sb.control.record('Task', taskId)).AccountId).toBe(accountId);
    const { id: caseId } = await create('Case', { ContactId: contactId });
    expect((await sb.control.record('Case', caseId)).AccountId).toBe(accountId);
  });

  it('refuses references to missing records, malformed ids and inactive owners', async () => {
    expect(
      (await failure(create('Contact', { LastName: 'D', AccountId: '001Hs0000000001' }))).errorCode,
    ).toBe('INVALID_CROSS_REFERENCE_KEY');
    expect((await failure(create('Contact', { LastName: 'D', AccountId: 'nope' }))).errorCode).toBe(
      'MALFORMED_ID',
    );
    expect((await failure(create('Case', { ContactId: '001Hs0000000001' }))).errorCode).toBe(
      'FIELD_INTEGRITY_EXCEPTION',
    );
    const { id: inactive } = await sb.control.createUser({
      username: 'old@acme.test',
      email: 'old@acme.test',
      lastName: 'Old',
      isActive: false,
    });
    expect((await failure(create('Contact', { LastName: 'D', OwnerId: inactive }))).errorCode).toBe(
      'INACTIVE_OWNER_OR_USER',
    );
  });

  it('links a file published to a record: ContentDocument plus ContentDocumentLink', async () => {
    const { id: caseId } = await create('Case', { Subject: 'Chat' });
    const data = Buffer.from('transcript').toString('base64');
    const { id: versionId } = await create('ContentVersion', {
      Title: 'Transcript',
      PathOnClient: 'transcript.txt',
      VersionData: data,
      FirstPublishLocationId: caseId,
    });
    const version = await sb.control.record('ContentVersion', versionId);
    expect(version).toMatchObject({
      FileType: 'TEXT',
      FileExtension: 'txt',
      ContentSize: 10,
      IsLatest: true,
    });
    expect(version.ContentDocumentId).toMatch(/^069/);
    const links = await conn.query(
      `SELECT ContentDocumentId, ShareType FROM ContentDocumentLink WHERE LinkedEntityId = '${caseId}'`,
    );
    expect(links.records).toMatchObject([{ ContentDocumentId: version.ContentDocumentId, ShareType: 'V' }]);
    const body = await fetch(
      `${sb.url}/services/data/v62.0/sobjects/ContentVersion/${versionId}/VersionData`,
      {
        headers: { authorization: `Bearer ${conn.accessToken}` },
      },
    );
    expect(await body.text()).toBe('transcript');
    const read = await conn.sobject('ContentVersion').retrieve(versionId);
    expect(read.VersionData).toBe(`/services/data/v62.0/sobjects/ContentVersion/${versionId}/VersionData`);
  });
});

describe('org behaviours', () => {
  it('gives a new Lead the assignment rule owner unless Sforce-Auto-Assign is FALSE', async () => {
    const { id: queueUser } = await sb.control.createUser({
      username: 'queue@acme.test',
      email: 'q@acme.test',
      lastName: 'Queue',
    });
    const { id: agent } = await sb.control.createUser({
      username: 'agent@acme.test',
      email: 'a@acme.test',
      lastName: 'Agent',
    });
    await sb.control.setSettings({ assignmentRules: { Lead: queueUser, Case: queueUser } });
    const { id: assigned } = await create('Lead', { LastName: 'A', Company: 'Acme', OwnerId: agent });
    expect((await sb.control.record('Lead', assigned)).OwnerId).toBe(queueUser);
    const { id: kept } = await create(
      'Lead',
      { LastName: 'B', Company: 'Acme', OwnerId: agent },
      { 'Sforce-Auto-Assign': 'FALSE' },
    );
    expect((await sb.control.record('Lead', kept)).OwnerId).toBe(agent);
    const { id: lower } = await create('Case', { OwnerId: agent }, { 'sforce-auto-assign': 'false' });
    expect((await sb.control.record('Case', lower)).OwnerId).toBe(agent);
    const { id: contact } = await create('Contact', { LastName: 'C', OwnerId: agent });
    expect((await sb.control.record('Contact', contact)).OwnerId).toBe(agent);
  });

  it('applies the assignment rule on update too, unless Sforce-Auto-Assign is FALSE', async () => {
    const { id: queue } = await sb.control.createUser({
      username: 'q@acme.test',
      email: 'q@acme.test',
      lastName: 'Queue',
    });
    const { id } = await create('Lead', { LastName: 'A', Company: 'Acme' });
    await sb.control.setSettings({ assignmentRules: { Lead: queue } });
    await conn
      .sobject('Lead')
      .update({ Id: id, Title: 'CTO' }, { headers: { 'Sforce-Auto-Assign': 'FALSE' } });
    expect((await sb.control.record('Lead', id)).OwnerId).not.toBe(queue);
    await conn.sobject('Lead').update({ Id: id, Title: 'CEO' });
    expect((await sb.control.record('Lead', id)).OwnerId).toBe(queue);
  });

  it('refuses updates to a converted Lead with CANNOT_UPDATE_CONVERTED_LEAD', async () => {
    const { id } = await sb.control.insert('Lead', { LastName: 'Doe', Company: 'Acme' });
    const converted = await sb.control.convertLead(id);
    expect(await sb.control.record('Lead', id)).toMatchObject({
      IsConverted: true,
      ConvertedContactId: converted.contactId,
    });
    const error = await failure(conn.sobject('Lead').update({ Id: id, Title: 'CEO' }));
    expect(error.errorCode).toBe('CANNOT_UPDATE_CONVERTED_LEAD');
    expect(error.message).toBe('cannot reference converted lead');
    const { id: seeded } = await sb.control.insert('Lead', {
      LastName: 'S',
      Company: 'A',
      IsConverted: true,
    });
    expect((await failure(conn.sobject('Lead').update({ Id: seeded, Title: 'x' }))).errorCode).toBe(
      'CANNOT_UPDATE_CONVERTED_LEAD',
    );
  });

  it('makes Lead.Company optional with Person Accounts', async () => {
    await sb.control.setSettings({ personAccounts: true });
    await expect(create('Lead', { LastName: 'Doe' })).resolves.toMatchObject({ success: true });
    const field = (await conn.sobject('Lead').describe()).fields.find((f) => f.name === 'Company');
    expect(field?.nillable).toBe(true);
  });

  it('answers a duplicate rule with DUPLICATES_DETECTED and the existing record id', async () => {
    await sb.control.setSettings({
      duplicateRules: [{ object: 'Contact', fields: ['Email'], action: 'block' }],
    });
    const { id } = await create('Contact', { LastName: 'Doe', Email: 'jane@acme.test' });
    const res = await rest(sb, conn, 'POST', '/sobjects/Contact', {
      LastName: 'Doe',
      Email: 'JANE@acme.test',
    });
    expect(res.status).toBe(400);
    const [error] = res.body;
    expect(error.errorCode).toBe('DUPLICATES_DETECTED');
    expect(error.duplicateResut).toMatchObject({
      allowSave: false,
      duplicateRuleEntityType: 'Contact',
      errorMessage: error.message,
      matchResults: [{ entityType: 'Contact', matchRecords: [{ record: { Id: id } }] }],
    });
    const forced = await rest(
      sb,
      conn,
      'POST',
      '/sobjects/Contact',
      { LastName: 'Doe', Email: 'jane@acme.test' },
      {
        'Sforce-Duplicate-Rule-Header': 'allowSave=true',
      },
    );
    expect(forced.status).toBe(400);
  });

  it('lets an alert duplicate rule save with allowSave=true', async () => {
    await sb.control.setSettings({
      duplicateRules: [{ object: 'Lead', fields: ['Email', 'Company'], action: 'alert' }],
    });
    await create('Lead', { LastName: 'A', Company: 'Acme', Email: 'a@acme.test' });
    const error = await failure(create('Lead', { LastName: 'B', Company: 'ACME', Email: 'a@acme.test' }));
    expect(error.errorCode).toBe('DUPLICATES_DETECTED');
    expect(error.message).toBe('Use one of these records?');
    await expect(
      create(
        'Lead',
        { LastName: 'B', Company: 'Acme', Email: 'a@acme.test' },
        { 'Sforce-Duplicate-Rule-Header': 'allowSave=true' },
      ),
    ).resolves.toMatchObject({ success: true });
    await expect(
      create('Lead', { LastName: 'C', Company: 'Other', Email: 'a@acme.test' }),
    ).resolves.toBeTruthy();
  });

  it('refuses API writes to users and creation of documents', async () => {
    expect((await failure(create('User', { LastName: 'x' }))).errorCode).toBe('INVALID_TYPE_FOR_OPERATION');
    expect((await failure(create('ContentDocument', { Title: 'x' }))).errorCode).toBe(
      'INVALID_TYPE_FOR_OPERATION',
    );
  });
});
