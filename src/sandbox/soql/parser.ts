// A recursive-descent parser for SELECT ... FROM ... [WHERE] [ORDER BY] [LIMIT] [OFFSET].
import type { CompareOp, Condition, FieldRef, Literal, OrderItem, SoqlQuery } from './ast.ts';
import { lex, queryError, type Token } from './lexer.ts';

const DATE_LITERALS = new Set(['TODAY', 'YESTERDAY', 'TOMORROW']);
const DATE_N_LITERALS = new Set(['LAST_N_DAYS', 'NEXT_N_DAYS']);
const KEYWORDS = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'ORDER',
  'BY',
  'LIMIT',
  'OFFSET',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
]);

class Parser {
  private i = 0;

  constructor(
    private readonly soql: string,
    private readonly tokens: Token[],
  ) {}

  private get peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private fail(token: Token = this.peek): never {
    throw queryError('MALFORMED_QUERY', this.soql, token.pos, `unexpected token: ${token.text}`);
  }

  private isKeyword(word: string, token = this.peek): boolean {
    return token.kind === 'ident' && token.text.toUpperCase() === word;
  }

  private keyword(word: string): void {
    if (!this.isKeyword(word)) this.fail();
    this.i++;
  }

  private punct(c: string): void {
    if (this.peek.kind !== 'punct' || this.peek.text !== c) this.fail();
    this.i++;
  }

  private field(): FieldRef {
    const t = this.peek;
    if (t.kind !== 'ident' || KEYWORDS.has(t.text.toUpperCase())) this.fail();
    this.i++;
    return { path: t.text, pos: t.pos };
  }

  private integer(): number {
    const t = this.next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) this.fail(t);
    return Number(t.text);
  }

  parse(): SoqlQuery {
    this.keyword('SELECT');
    let count = false;
    const fields: FieldRef[] = [];
    if (this.isKeyword('COUNT') && this.tokens[this.i + 1]?.text === '(') {
      this.i++;
      this.punct('(');
      this.punct(')');
      count = true;
    } else {
      fields.push(this.field());
      while (this.peek.text === ',') {
        this.i++;
        fields.push(this.field());
      }
    }
    this.keyword('FROM');
    const from = this.next();
    if (from.kind !== 'ident' || from.text.includes('.')) this.fail(from);
    const query: SoqlQuery = { count, fields, object: from.text, objectPos: from.pos, orderBy: [] };
    if (this.isKeyword('WHERE')) {
      this.i++;
      query.where = this.condition();
    }
    if (this.isKeyword('ORDER')) {
      this.i++;
      this.keyword('BY');
      query.orderBy.push(this.orderItem());
      while (this.peek.text === ',') {
        this.i++;
        query.orderBy.push(this.orderItem());
      }
    }
    if (this.isKeyword('LIMIT')) {
      this.i++;
      query.limit = this.integer();
    }
    if (this.isKeyword('OFFSET')) {
      this.i++;
      query.offset = this.integer();
    }
    if (this.peek.kind !== 'eof') this.fail();
    return query;
  }

  private orderItem(): OrderItem {
    const field = this.field();
    let descending = false;
    if (this.isKeyword('ASC')) this.i++;
    else if (this.isKeyword('DESC')) {
      this.i++;
      descending = true;
    }
    // Salesforce's default: nulls first ascending, last descending.
    let nullsLast = descending;
    if (this.isKeyword('NULLS')) {
      this.i++;
      if (this.isKeyword('FIRST')) nullsLast = false;
      else if (this.isKeyword('LAST')) nullsLast = true;
      else this.fail();
      this.i++;
    }
    return { field, descending, nullsLast };
  }

  /** AND and OR may not mix at one level without parentheses, as in SOQL. */
  private condition(): Condition {
    const first = this.term();
    if (!this.isKeyword('AND') && !this.isKeyword('OR')) return first;
    const kind = this.peek.text.toUpperCase() === 'AND' ? 'and' : 'or';
    const items = [first];
    while (this.isKeyword('AND') || this.isKeyword('OR')) {
      if (this.peek.text.toUpperCase() !== kind.toUpperCase()) this.fail();
      this.i++;
      items.push(this.term());
    }
    return { kind, items };
  }

  private term(): Condition {
    if (this.isKeyword('NOT')) {
      this.i++;
      return { kind: 'not', item: this.term() };
    }
    if (this.peek.text === '(') {
      this.i++;
      const inner = this.condition();
      this.punct(')');
      return inner;
    }
    const field = this.field();
    if (this.isKeyword('NOT') && this.isKeyword('IN', this.tokens[this.i + 1])) {
      this.i += 2;
      return { kind: 'in', field, negated: true, values: this.list() };
    }
    if (this.isKeyword('IN')) {
      this.i++;
      return { kind: 'in', field, negated: false, values: this.list() };
    }
    let op: CompareOp;
    if (this.isKeyword('LIKE')) op = 'like';
    else if (this.peek.kind === 'op') op = (this.peek.text === '<>' ? '!=' : this.peek.text) as CompareOp;
    else this.fail();
    this.i++;
    return { kind: 'compare', field, op, value: this.literal() };
  }

  private list(): Literal[] {
    this.punct('(');
    const values = [this.literal()];
    while (this.peek.text === ',') {
      this.i++;
      values.push(this.literal());
    }
    this.punct(')');
    return values;
  }

  private literal(): Literal {
    const t = this.next();
    const pos = t.pos;
    switch (t.kind) {
      case 'string':
        return {
          kind: 'string',
          value: t.value!,
          pattern: t.pattern!,
          hasLikeEscape: !!t.hasLikeEscape,
          pos,
        };
      case 'number':
        return { kind: 'number', value: Number(t.text), pos };
      case 'date':
        return { kind: 'date', value: t.text, pos };
      case 'datetime':
        return { kind: 'datetime', value: Date.parse(t.text), pos };
      case 'ident': {
        const word = t.text.toUpperCase();
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE', pos };
        if (word === 'NULL') return { kind: 'null', pos };
        if (DATE_LITERALS.has(word)) return { kind: 'dateLiteral', name: word, n: 0, pos };
        if (DATE_N_LITERALS.has(word)) {
          this.punct(':');
          return { kind: 'dateLiteral', name: word, n: this.integer(), pos };
        }
        return this.fail(t);
      }
      default:
        return this.fail(t);
    }
  }
}

export function parseSoql(soql: string): SoqlQuery {
  return new Parser(soql, lex(soql)).parse();
}
