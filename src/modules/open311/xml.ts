/**
 * GeoReport v2's XML: the JSON documents of this facade written as the specification's examples nest them. A list
 * is an element named for the list holding one element per item, named by GeoReport (`<services><service>`,
 * `<service_requests><request>`, `<attributes><attribute>`, `<values><value>`, `<endpoints><endpoint>`,
 * `<formats><format>`, `<errors><error>`). null is an empty element; booleans are `true`/`false`.
 */
export const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  errors: 'error',
};

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// What XML 1.0 cannot carry at all, even escaped: C0 controls other than tab, LF and CR; lone surrogates; U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text content, escaped; characters XML cannot represent become U+FFFD. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function element(name: string, value: unknown): string {
  if (!NAME.test(name)) throw new Error(`not an XML element name: ${name}`);
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name];
    if (!item) throw new Error(`no GeoReport item name for the list ${name}`);
    return `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    const children = Object.entries(value as Record<string, unknown>).map(([k, v]) => element(k, v));
    return `<${name}>${children.join('')}</${name}>`;
  }
  if (typeof value === 'string') return `<${name}>${escapeXml(value)}</${name}>`;
  if (typeof value === 'number' || typeof value === 'boolean') return `<${name}>${String(value)}</${name}>`;
  throw new Error(`cannot write a ${typeof value} as XML`);
}

/** A whole document: the declaration, then `root` holding `value` (a list holds its items, an object its fields). */
export function toXml(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}`;
}
