/* This file is generated from mappings/mapping.schema.json by scripts/generate-mapping-types.ts.
 * Do not edit it by hand: change the schema, then run `npm run mapping:types`. */

/**
 * A Salesforce field API name on the object (standard or custom, e.g. Region__c).
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "fieldName".
 */
export type FieldName = string;
/**
 * A CloudCX field: visitor.{name,firstName,lastName,email,phone,company}, agent.{id,name,email}, chat.{id,kind,channel,subject,startedAt,endedAt,transcript,notes,wrapUp,ended} (conversation.* is the same for inbox), tenant.id, channel, section, customFields.<name>, customVariables.<name>.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "sourcePath".
 */
export type SourcePath = string;
/**
 * Overwrite policy for a matched record: never (do not update), overwrite (update with CloudCX information), fillBlanks (only add new information).
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "policy".
 */
export type Policy = 'never' | 'overwrite' | 'fillBlanks';
/**
 * Salesforce field API names shown in the agent console.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "displayFields".
 */
export type DisplayFields = FieldName[];
/**
 * A Salesforce object the mapping writes or identifies.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "objectName".
 */
export type ObjectName = 'Lead' | 'Contact' | 'Account' | 'Case' | 'Task';

/**
 * One tenant's mapping of CloudCX web chats and inbox conversations to Salesforce records: what is recorded, how visitors are identified, field maps, overwrite policy, owner rule, attachments and the agent console display.
 */
export interface CloudCXSalesforceMapping {
  /**
   * Optional pointer to this schema for editors.
   */
  $schema?: string;
  /**
   * Version of the mapping DSL.
   */
  version: 1;
  /**
   * A short name for the mapping.
   */
  name?: string;
  /**
   * What this mapping is for.
   */
  description?: string;
  /**
   * automatic: CloudCX records on the section's events; manual: agents trigger each action in the agent console.
   */
  mode: 'automatic' | 'manual';
  /**
   * What each section records.
   */
  sections: {
    webChat?: WebChatSection;
    inbox?: InboxSection;
  };
  /**
   * Identification rules per object.
   */
  identification?: {
    Account?: Identification;
    Contact?: Identification;
    Lead?: Identification;
  };
  /**
   * Field maps per Salesforce object.
   */
  objects: {
    Lead?: FieldMap;
    Contact?: FieldMap;
    Account?: FieldMap;
    Case?: FieldMap;
    Task?: FieldMap;
  };
  /**
   * Overwrite policy for matched Lead/Contact/Account records.
   */
  overwrite?: {
    default: Policy;
    /**
     * Per-object, per-field overrides.
     */
    fields?: {
      Lead?: PolicyOverrides;
      Contact?: PolicyOverrides;
      Account?: PolicyOverrides;
    };
  };
  /**
   * Owner rule for created records.
   */
  owner?: {
    /**
     * agentEmailThenConnectingUser: the active Salesforce User whose email is the agent's, else the connecting user; connectingUser: always the connecting user.
     */
    rule: 'agentEmailThenConnectingUser' | 'connectingUser';
    /**
     * Objects whose OwnerId the rule sets on create.
     */
    appliesTo?: ('Lead' | 'Contact' | 'Account' | 'Case' | 'Task')[];
  };
  /**
   * Chat attachments and over-long transcripts.
   */
  attachments?: {
    /**
     * Upload the chat's attachments as files on the Task and/or Case.
     */
    attachTo?: ('Case' | 'Task')[];
    /**
     * Used by fields with onOverflow: attach.
     */
    transcript?: {
      /**
       * Line ending a truncated value; {{ file }} is the attached file's name.
       */
      marker?: string;
      /**
       * Liquid template of the attached file's name; .txt is appended if missing.
       */
      fileName?: string;
    };
  };
  /**
   * Fields of the matched records shown in the agent console, per section.
   */
  display?: {
    webChat?: DisplaySet;
    inbox?: DisplaySet;
  };
}
/**
 * What one section records, and on which CloudCX events.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "webChatSection".
 */
export interface WebChatSection {
  /**
   * sales: visitors as Leads and chats/conversations as Tasks; support: visitors as Contacts and chats/conversations as Cases; none: record nothing.
   */
  record: 'sales' | 'support' | 'none';
  /**
   * Events that identify the visitor, create the Lead/Contact when not found, and create the Task/Case.
   */
  recordOn?: ('chat.started' | 'chat.offline_message' | 'chat.ended')[];
  /**
   * Events that write the chat/conversation content into the Task/Case (updating the one created earlier, else creating it).
   */
  contentOn?: ('chat.started' | 'chat.offline_message' | 'chat.ended')[];
}
/**
 * What one section records, and on which CloudCX events.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "inboxSection".
 */
export interface InboxSection {
  /**
   * sales: visitors as Leads and chats/conversations as Tasks; support: visitors as Contacts and chats/conversations as Cases; none: record nothing.
   */
  record: 'sales' | 'support' | 'none';
  /**
   * Events that identify the visitor, create the Lead/Contact when not found, and create the Task/Case.
   */
  recordOn?: ('conversation.started' | 'conversation.ended')[];
  /**
   * Events that write the chat/conversation content into the Task/Case (updating the one created earlier, else creating it).
   */
  contentOn?: ('conversation.started' | 'conversation.ended')[];
}
/**
 * How CloudCX finds an existing record: rules are tried in order, the first that finds a record wins.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "identification".
 */
export interface Identification {
  /**
   * Ordered identification rules.
   */
  rules: Rule[];
  /**
   * When a rule finds several records: take the most recently modified, the oldest (first created), or none (do not guess: unless a later rule finds exactly one, the chat waits in NEEDS_REVIEW with the candidates until an agent picks one).
   */
  onMultiple?: 'mostRecentlyModified' | 'oldest' | 'none';
}
/**
 * An identification rule: a named conjunction of comparisons. The plan reports the name of the rule that matched.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "rule".
 */
export interface Rule {
  /**
   * Unique name of the rule within its object, reported in plans as matched.rule.
   */
  name: string;
  /**
   * Comparisons that must all hold (AND).
   *
   * @minItems 1
   */
  all: [Condition, ...Condition[]];
}
/**
 * One comparison of a Salesforce field with a CloudCX value; a rule matches when all its comparisons hold. Blank CloudCX values make the rule inapplicable.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "condition".
 */
export interface Condition {
  field: FieldName;
  source: SourcePath;
  /**
   * How both sides are normalised before comparing: exact (as is), caseInsensitive, email (trimmed and lower-cased), phone (digits only), e164 (+ and digits, countryCode added to national numbers).
   */
  normalize?: 'exact' | 'caseInsensitive' | 'email' | 'phone' | 'e164';
  /**
   * Calling code (digits) that e164 adds to numbers written without + or 00.
   */
  countryCode?: string;
}
/**
 * Salesforce field API name -> where its value comes from.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "fieldMap".
 */
export interface FieldMap {
  [k: string]: FieldSpec;
}
/**
 * Where a Salesforce field's value comes from: exactly one of source, template or value, then transform, default and the overflow rule.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "fieldSpec".
 */
export interface FieldSpec {
  /**
   * A CloudCX field, or a list of them: the first that is not blank is used.
   *
   * @minItems 1
   */
  source?: string | [SourcePath, ...SourcePath[]];
  /**
   * A Liquid template (filters such as default, truncate, date, join) rendered with the CloudCX fields.
   */
  template?: string;
  /**
   * A constant value.
   */
  value?: string | number | boolean;
  /**
   * Transforms applied in order to the value: trim, lowercase, uppercase, collapseWhitespace, digits, e164.
   */
  transform?: ('trim' | 'lowercase' | 'uppercase' | 'collapseWhitespace' | 'digits' | 'e164')[];
  /**
   * Used when the value is blank.
   */
  default?: string | number | boolean;
  /**
   * What to do when the value is longer than the Salesforce field: truncate it, skip the field (listed in the plan), or attach (keep the start with the transcript marker and attach the full text as a .txt file).
   */
  onOverflow?: 'truncate' | 'skip' | 'attach';
  /**
   * A note for readers of the mapping.
   */
  description?: string;
}
/**
 * Per-field overrides of the default overwrite policy.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "policyOverrides".
 */
export interface PolicyOverrides {
  [k: string]: Policy;
}
/**
 * What the agent console shows of the matched records in one section.
 *
 * This interface was referenced by `CloudCXSalesforceMapping`'s JSON-Schema
 * via the `definition` "displaySet".
 */
export interface DisplaySet {
  Contact?: DisplayFields;
  Lead?: DisplayFields;
  Account?: DisplayFields;
}
