/**
 * The smallest value a JSON schema of the OpenAPI document accepts: required properties only, the
 * least length, the first enum member, a real uuid/date/email where a format asks for one. Used to give
 * every operation a body its validation passes, so the tests reach the guard and the handler.
 */
type Schema = Record<string, any>;

export function sampleOf(schema: Schema | undefined, doc: Schema, depth = 0): unknown {
  if (!schema || depth > 8) return undefined;
  if (schema.$ref) return sampleOf(resolve(doc, schema.$ref), doc, depth + 1);
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (schema[key]) {
      const first = schema[key].find((s: Schema) => s.type !== 'null') ?? schema[key][0];
      return sampleOf(first, doc, depth + 1);
    }
  }
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s: Schema) => sampleOf(s, doc, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? [])
        out[name] = sampleOf(schema.properties?.[name], doc, depth + 1);
      const min = schema.minProperties ?? 0;
      for (const [name, prop] of Object.entries<Schema>(schema.properties ?? {})) {
        if (Object.keys(out).length >= min) break;
        if (!(name in out)) out[name] = sampleOf(prop, doc, depth + 1);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleOf(schema.items, doc, depth + 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    case 'string':
      return sampleString(schema);
    default:
      return undefined;
  }
}

function sampleString(schema: Schema): string {
  switch (schema.format) {
    case 'uuid':
      return '0b7c5f4e-4a4e-4a53-9d55-3c3f4b1e7a10';
    case 'date-time':
      return '2030-01-01T00:00:00.000Z';
    case 'date':
      return '2030-01-01';
    case 'email':
      return 'sample@example.com';
    case 'uri':
      return 'https://example.com/';
  }
  const min = schema.minLength ?? 0;
  const candidates = [
    'sample',
    'abc',
    'a',
    'usd',
    'sample-1',
    'A',
    '1',
    'sample_1',
    'x'.repeat(Math.max(min, 1)),
  ];
  const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined;
  for (const c of candidates) {
    const value = c.length >= min ? c : c.padEnd(min, c.at(-1));
    if (
      (schema.maxLength === undefined || value.length <= schema.maxLength) &&
      (!pattern || pattern.test(value))
    )
      return value;
  }
  return 'x'.repeat(min);
}

function resolve(doc: Schema, ref: string): Schema | undefined {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<Schema | undefined>((node, part) => node?.[part], doc);
}
