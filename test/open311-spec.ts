/**
 * The GeoReport v2 specification's response field tables (http://wiki.open311.org/GeoReport_v2, "Response" of each
 * method, and the Service Discovery page), for the conformance tests; and a strict reader for the XML they describe.
 */

type Scalar = { type: 'string' | 'number' | 'boolean' | 'datetime'; nullable?: boolean; optional?: boolean; oneOf?: readonly string[] };
type List = { list: string; of: Table | Scalar; optional?: boolean };
export type Field = Scalar | List;
export type Table = { [field: string]: Field };

const str = (more: Omit<Scalar, 'type'> = {}): Scalar => ({ type: 'string', ...more });
const opt = (type: Scalar['type'] = 'string'): Scalar => ({ type, nullable: true });

export const discoveryTable: Table = {
  changeset: { type: 'datetime' },
  contact: str(),
  key_service: str(),
  endpoints: {
    list: 'endpoint',
    of: {
      specification: str(),
      url: str(),
      changeset: { type: 'datetime' },
      type: str({ oneOf: ['production', 'test'] }),
      formats: { list: 'format', of: str({ oneOf: ['text/xml', 'application/json'] }) },
    },
  },
};

export const serviceTable: Table = {
  service_code: str(),
  service_name: str(),
  description: opt(),
  metadata: { type: 'boolean' },
  type: str({ oneOf: ['realtime', 'batch', 'blackbox'] }),
  keywords: opt(),
  group: opt(),
};

export const serviceDefinitionTable: Table = {
  service_code: str(),
  attributes: {
    list: 'attribute',
    of: {
      variable: { type: 'boolean' },
      code: str(),
      datatype: str({ oneOf: ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] }),
      required: { type: 'boolean' },
      datatype_description: opt(),
      order: { type: 'number' },
      description: str(),
      values: { list: 'value', of: { key: str(), name: str() }, optional: true },
    },
  },
};

/** POST: service_request_id, or token for servers that cannot answer at once. */
export const receiptTable: Table = {
  service_request_id: str({ optional: true }),
  token: str({ optional: true }),
  service_notice: opt(),
  account_id: opt(),
};

export const requestTable: Table = {
  service_request_id: str(),
  status: str({ oneOf: ['open', 'closed'] }),
  status_notes: opt(),
  service_name: opt(),
  service_code: str(),
  description: opt(),
  agency_responsible: opt(),
  service_notice: opt(),
  requested_datetime: { type: 'datetime' },
  updated_datetime: opt('datetime'),
  expected_datetime: opt('datetime'),
  address: opt(),
  address_id: opt(),
  zipcode: opt(),
  lat: opt('number'),
  long: opt('number'),
  media_url: opt(),
};

export const errorTable: Table = { code: { type: 'number' }, description: str() };

/** A field rather than a table of fields (a table may have a field named `type` or `list`). */
const isField = (x: Table | Field): x is Field => typeof (x as Scalar).type === 'string' || typeof (x as List).list === 'string';

/** W3C datetime with a time zone, as GeoReport requires of every date. */
const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** What differs between a JSON value and a table: missing, extra or mistyped fields (empty: it conforms). */
export function conformance(value: unknown, table: Table, at = '$'): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
  const v = value as Record<string, unknown>;
  const problems = Object.keys(v).filter((k) => !(k in table)).map((k) => `${at}.${k}: not in the specification`);
  for (const [name, field] of Object.entries(table)) {
    const here = `${at}.${name}`;
    if (!(name in v)) {
      if (!field.optional) problems.push(`${here}: missing`);
      continue;
    }
    problems.push(...fieldConformance(v[name], field, here));
  }
  return problems;
}

function fieldConformance(value: unknown, field: Field, at: string): string[] {
  if ('list' in field) {
    if (!Array.isArray(value)) return [`${at}: not a list`];
    const of = field.of;
    return value.flatMap((item, i) => (isField(of) ? fieldConformance(item, of, `${at}[${i}]`) : conformance(item, of, `${at}[${i}]`)));
  }
  if (value === null) return field.nullable ? [] : [`${at}: null`];
  const ok =
    field.type === 'datetime' ? typeof value === 'string' && W3C.test(value) : field.type === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === field.type;
  if (!ok) return [`${at}: not a ${field.type}: ${JSON.stringify(value)}`];
  if (field.oneOf && !field.oneOf.includes(value as string)) return [`${at}: ${String(value)} is not one of ${field.oneOf.join(', ')}`];
  return [];
}

/** Conformance of a list of items (services, requests, errors). */
export const listConformance = (value: unknown, table: Table) =>
  Array.isArray(value) ? value.flatMap((item, i) => conformance(item, table, `$[${i}]`)) : ['$: not a list'];

export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string | null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * A strict reader for GeoReport's XML: the declaration, then elements holding either elements or text (no
 * attributes, no mixed content). Throws on anything not well formed, so a test fails on a broken document.
 */
export function parseXml(doc: string): XmlElement {
  const decl = /^<\?xml version="1\.0" encoding="utf-8"\?>\n?/i.exec(doc);
  if (!decl) throw new Error('no XML declaration with encoding utf-8');
  const unescape = (s: string) =>
    s.replace(/&(#x[0-9a-f]+|#\d+|\w+);|[&<>]/gi, (m, e?: string) => {
      if (!e) throw new Error(`unescaped ${m} in text`);
      if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
      if (!(e in ENTITIES)) throw new Error(`unknown entity &${e};`);
      return ENTITIES[e];
    });
  const tokens = doc.slice(decl[0].length).match(/<\/?[^<>]+>|[^<]+/g) ?? [];
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  for (const tok of tokens) {
    if (tok.startsWith('</')) {
      const el = stack.pop();
      if (!el || el.name !== tok.slice(2, -1)) throw new Error(`mismatched ${tok}`);
      if (!stack.length) root = el;
    } else if (tok.startsWith('<')) {
      const m = /^<([A-Za-z_][\w.-]*)(\/?)>$/.exec(tok);
      if (!m) throw new Error(`not a plain element tag: ${tok}`);
      if (root) throw new Error('content after the root element');
      const el: XmlElement = { name: m[1], children: [], text: null };
      const parent = stack.at(-1);
      if (parent) {
        if (parent.text !== null) throw new Error(`mixed content in <${parent.name}>`);
        parent.children.push(el);
      }
      if (m[2]) {
        if (!parent) root = el;
      } else stack.push(el);
    } else {
      const parent = stack.at(-1);
      if (!parent) {
        if (tok.trim()) throw new Error('text outside the root element');
        continue;
      }
      if (parent.children.length) throw new Error(`mixed content in <${parent.name}>`);
      parent.text = (parent.text ?? '') + unescape(tok);
    }
  }
  if (stack.length || !root) throw new Error('unclosed elements');
  return root;
}

/** An XML element read back as the JSON the table describes (types from the table; an empty element is null). */
export function xmlAsJson(el: XmlElement, table: Table): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of el.children) {
    const field = table[child.name];
    if (!field) throw new Error(`<${el.name}> holds <${child.name}>, not in the specification`);
    if (child.name in out) throw new Error(`<${el.name}> repeats <${child.name}>`);
    out[child.name] = xmlField(child, field);
  }
  return out;
}

function xmlField(el: XmlElement, field: Field): unknown {
  if ('list' in field) {
    return el.children.map((item) => {
      if (item.name !== field.list) throw new Error(`<${el.name}> holds <${item.name}>, not <${field.list}>`);
      return isField(field.of) ? xmlField(item, field.of) : xmlAsJson(item, field.of);
    });
  }
  if (el.children.length) throw new Error(`<${el.name}> should hold text`);
  if (el.text === null) return null;
  if (field.type === 'number') return Number(el.text);
  if (field.type === 'boolean') {
    if (el.text !== 'true' && el.text !== 'false') throw new Error(`<${el.name}> is not true or false`);
    return el.text === 'true';
  }
  return el.text;
}

/** A whole XML document as a list of `item` elements under `root`. */
export function xmlList(doc: string, root: string, item: string, table: Table): Record<string, unknown>[] {
  const el = parseXml(doc);
  if (el.name !== root) throw new Error(`root is <${el.name}>, not <${root}>`);
  return el.children.map((c) => {
    if (c.name !== item) throw new Error(`<${root}> holds <${c.name}>, not <${item}>`);
    return xmlAsJson(c, table);
  });
}

/** A whole XML document as one object under `root`. */
export function xmlObject(doc: string, root: string, table: Table): Record<string, unknown> {
  const el = parseXml(doc);
  if (el.name !== root) throw new Error(`root is <${el.name}>, not <${root}>`);
  return xmlAsJson(el, table);
}
