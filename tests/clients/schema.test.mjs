// Property test: every structured-output answer validates. Hundreds of
// schemas (seeded random ones within the supported subset, zod 4's
// z.toJSONSchema output, Pydantic-style $defs nesting) go to the running
// mock as response_format json_schema and as a forced function tool; ajv
// (draft 2020-12, with formats) validates what comes back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { startServer } from '../lib/server.mjs';

const MODEL = 'gpt-4o-mini';
const RANDOM_SCHEMAS = Number(process.env.MW_SCHEMA_CASES ?? 300); // more for a local soak
const PARALLEL = 8;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

// mulberry32: the schema set is the same on every run.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATTERNS = ['^[A-Z]{2}-\\d{3,5}$', '^(red|green|blue)(-[a-z]+)?$', '^[^\\s@]+@[a-z]+\\.org$', '^\\w{4,8}$', '^(?!\\d)(?=.*[A-Z])(?=.*\\d)[A-Za-z0-9]{6,10}$',
  '^#[0-9a-fA-F]{6}$', '^(?:\\+?1[-. ]?)?\\(?\\d{3}\\)?[-. ]?\\d{3}[-. ]?\\d{4}$', 'ab+c', '^[a-z]+(?:_[a-z0-9]+)*$'];
const FORMATS = ['date-time', 'date', 'time', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'uri'];

// A random schema of the supported subset; strict says whether every
// object must list all keys as required (strict mode) or may leave some out.
function randomSchema(seed) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const strict = r() < 0.6;
  const defs = {};
  let names = 0;
  const object = (depth) => {
    const properties = {};
    const n = int(0, depth > 2 ? 2 : 4);
    for (let i = 0; i < n; i++) properties[`p${i}_${int(0, 99)}`] = node(depth + 1);
    const keys = Object.keys(properties);
    return { type: 'object', properties, required: strict ? keys : keys.filter(() => r() < 0.5), additionalProperties: false };
  };
  const scalar = () => {
    switch (int(0, 9)) {
      case 0: return { type: 'string', minLength: int(0, 5), maxLength: int(6, 30) };
      case 1: return { type: 'string', pattern: pick(PATTERNS) };
      case 2: return { type: 'string', format: pick(FORMATS) };
      case 3: return { type: 'string', enum: ['alpha', 'beta', 'gamma'].slice(0, int(1, 3)) };
      case 4: { const lo = int(-50, 50); return { type: 'integer', minimum: lo, maximum: lo + int(0, 40) }; }
      case 5: return { type: 'number', exclusiveMinimum: int(-5, 5) / 2, exclusiveMaximum: 10 + int(0, 5), multipleOf: pick([0.1, 0.25, 0.5, 1, 3]) };
      case 6: return { type: 'boolean' };
      case 7: return { const: pick(['fixed', 42, true, null]) };
      case 8: return { type: [pick(['string', 'integer', 'number', 'boolean']), 'null'] };
      default: return { type: 'integer', multipleOf: int(2, 9), minimum: int(-100, 0) };
    }
  };
  // Less common shapes: overlapping oneOf, allOf, tuples, mixed enums, root refs.
  const unusual = (depth) => {
    switch (int(0, 9)) {
      case 9: return { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' }, c: { type: 'boolean' }, d: { type: 'null' } }, required: ['d'], minProperties: 2, maxProperties: 3 };
      case 0: return { oneOf: [{ type: 'number', minimum: 0, maximum: 50 }, { type: 'integer' }] };
      case 1: return { oneOf: [{ type: 'string' }, { type: 'string', maxLength: 4 }] };
      case 2: return { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'integer', minimum: 5 } }, required: ['b'] }] };
      case 3: return { type: 'array', prefixItems: [{ type: 'string', format: 'date' }, { const: 7 }, node(depth + 1)], items: false, minItems: 3 };
      case 4: return { enum: [{ x: 1 }, [1, 2], 'text', 3.5, null] };
      case 5: return { type: 'string', pattern: pick(PATTERNS.slice(0, 5)), minLength: int(1, 6) };
      case 6: return { type: ['object', 'null'], properties: { v: node(depth + 1) }, required: ['v'], additionalProperties: false };
      case 7: return { type: 'integer', minimum: 1e12, maximum: 1e12 + int(0, 1000) };
      default: return { anyOf: [object(depth + 1), { type: 'array', items: { $ref: '#' }, maxItems: 2 }] };
    }
  };
  const node = (depth) => {
    const k = depth >= 3 ? 0 : int(0, 10);
    if (k === 10) return unusual(depth);
    if (k <= 3) return scalar();
    if (k === 4) return object(depth);
    if (k === 5) {
      const unique = r() < 0.3;
      const lo = int(0, 3);
      return { type: 'array', items: unique ? { type: 'string', minLength: 3 } : node(depth + 1), minItems: lo, maxItems: lo + int(0, 3), ...(unique ? { uniqueItems: true } : {}) };
    }
    if (k === 6) return { anyOf: [node(depth + 1), { type: 'null' }] };
    if (k === 7) { // a discriminated union: const tags keep the oneOf branches apart
      return { oneOf: ['a', 'b', 'c'].slice(0, int(2, 3)).map((tag) => {
        const o = object(depth + 1);
        o.properties.kind = { type: 'string', const: tag };
        o.required = [...o.required, 'kind'];
        return o;
      }) };
    }
    if (k === 8) { // a shared definition
      const name = `D${names++}`;
      defs[name] = object(depth + 1);
      return { $ref: `#/$defs/${name}` };
    }
    // a recursive definition: a tree of named nodes
    const name = `T${names++}`;
    defs[name] = { type: 'object', properties: { label: { type: 'string' }, children: { type: 'array', items: { $ref: `#/$defs/${name}` } }, parent: { anyOf: [{ $ref: `#/$defs/${name}` }, { type: 'null' }] } }, required: ['label', 'children', 'parent'], additionalProperties: false };
    return { $ref: `#/$defs/${name}` };
  };
  const root = object(0);
  if (Object.keys(defs).length) root.$defs = defs;
  return root;
}

// zod 4 schemas, as z.toJSONSchema gives them to clients.
function zodSchemas() {
  const Address = z.object({ street: z.string().min(3), city: z.string(), zip: z.string().regex(/^\d{5}(-\d{4})?$/) });
  const Shape = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('circle'), radius: z.number().positive() }),
    z.object({ kind: z.literal('rect'), w: z.number().int().min(1).max(100), h: z.number().int().min(1).max(100) }),
    z.object({ kind: z.literal('label'), text: z.string().max(12) }),
  ]);
  const Category = z.object({ name: z.string(), get subcategories() { return z.array(Category).max(3); } });
  const Comment = z.object({ author: z.string(), body: z.string().min(1), get reply() { return Comment.nullable(); } });
  const out = {
    person: z.object({ name: z.string(), age: z.number().int().min(0).max(130), email: z.email(), nickname: z.string().optional() }),
    nullables: z.object({ a: z.string().nullable(), b: z.number().nullable(), c: z.array(z.boolean()).nullable() }),
    literals_enums: z.object({ v: z.literal('v1'), level: z.enum(['low', 'mid', 'high']), flag: z.literal(true) }),
    shapes: z.object({ shapes: z.array(Shape).min(1).max(4) }),
    numbers: z.object({ price: z.number().min(0.5).max(99.5), qty: z.number().int().positive(), pct: z.number().gte(0).lte(1), step: z.number().multipleOf(0.25).max(10) }),
    strings: z.object({ id: z.uuid(), at: z.iso.datetime(), day: z.iso.date(), code: z.string().regex(/^[A-Z]{3}-\d{2}$/), site: z.url(), tag: z.string().min(2).max(5) }),
    arrays: z.object({ tags: z.array(z.string()).min(2).max(5), matrix: z.array(z.array(z.number()).length(3)).min(1) }),
    recursive: z.object({ root: Category }),
    recursive_nullable: z.object({ thread: Comment }),
    reused: z.object({ home: Address, work: Address, previous: z.array(Address).max(2) }),
    records: z.object({ scores: z.record(z.string(), z.number().int().min(0).max(10)), labels: z.record(z.string().max(6), z.string()) }),
    optional_mix: z.object({ title: z.string(), subtitle: z.string().optional(), meta: z.object({ k: z.string(), v: z.number().optional() }).optional() }),
  };
  return Object.entries(out).map(([name, s]) => [`zod ${name}`, z.toJSONSchema(s, { reused: 'ref' })]);
}

// Pydantic v2's model_json_schema() shape: titles, $defs, Optional as anyOf null.
const PYDANTIC = {
  pydantic_invoice: {
    $defs: {
      Currency: { enum: ['USD', 'EUR', 'GBP'], title: 'Currency', type: 'string' },
      LineItem: { properties: { sku: { title: 'Sku', type: 'string', pattern: '^[A-Z]{3}\\d{4}$' }, quantity: { exclusiveMinimum: 0, title: 'Quantity', type: 'integer' }, unit_price: { minimum: 0, title: 'Unit Price', type: 'number' }, note: { anyOf: [{ type: 'string' }, { type: 'null' }], title: 'Note' } }, required: ['sku', 'quantity', 'unit_price', 'note'], title: 'LineItem', type: 'object', additionalProperties: false },
      Party: { properties: { name: { title: 'Name', type: 'string' }, email: { format: 'email', title: 'Email', type: 'string' }, address: { anyOf: [{ $ref: '#/$defs/Address' }, { type: 'null' }] } }, required: ['name', 'email', 'address'], title: 'Party', type: 'object', additionalProperties: false },
      Address: { properties: { line1: { title: 'Line1', type: 'string' }, country: { maxLength: 2, minLength: 2, title: 'Country', type: 'string' } }, required: ['line1', 'country'], title: 'Address', type: 'object', additionalProperties: false },
    },
    properties: { number: { title: 'Number', type: 'string' }, issued: { format: 'date', title: 'Issued', type: 'string' }, currency: { $ref: '#/$defs/Currency' }, seller: { $ref: '#/$defs/Party' }, buyer: { $ref: '#/$defs/Party' }, items: { items: { $ref: '#/$defs/LineItem' }, minItems: 1, title: 'Items', type: 'array' } },
    required: ['number', 'issued', 'currency', 'seller', 'buyer', 'items'], title: 'Invoice', type: 'object', additionalProperties: false,
  },
  pydantic_tree: {
    $defs: { Node: { properties: { value: { title: 'Value', type: 'integer' }, children: { items: { $ref: '#/$defs/Node' }, title: 'Children', type: 'array' } }, required: ['value', 'children'], title: 'Node', type: 'object', additionalProperties: false } },
    properties: { root: { $ref: '#/$defs/Node' }, depth: { title: 'Depth', type: 'integer', minimum: 0 } }, required: ['root', 'depth'], title: 'Tree', type: 'object', additionalProperties: false,
  },
  pydantic_defaults: { // fields with defaults leave `required` (not strict-valid)
    properties: { query: { title: 'Query', type: 'string' }, limit: { default: 10, maximum: 50, minimum: 1, title: 'Limit', type: 'integer' }, sort: { default: 'asc', enum: ['asc', 'desc'], title: 'Sort', type: 'string' }, filters: { anyOf: [{ additionalProperties: { type: 'string' }, type: 'object' }, { type: 'null' }], default: null, title: 'Filters' } },
    required: ['query'], title: 'Search', type: 'object',
  },
  pydantic_discriminated: { // Field(discriminator='pet_type') over two models
    $defs: {
      Cat: { properties: { pet_type: { const: 'cat', title: 'Pet Type', type: 'string' }, meows: { title: 'Meows', type: 'integer', minimum: 0 } }, required: ['pet_type', 'meows'], title: 'Cat', type: 'object', additionalProperties: false },
      Dog: { properties: { pet_type: { const: 'dog', title: 'Pet Type', type: 'string' }, barks: { title: 'Barks', type: 'number' }, tags: { items: { type: 'string', maxLength: 8 }, title: 'Tags', type: 'array', maxItems: 3 } }, required: ['pet_type', 'barks', 'tags'], title: 'Dog', type: 'object', additionalProperties: false },
    },
    properties: { pet: { discriminator: { mapping: { cat: '#/$defs/Cat', dog: '#/$defs/Dog' }, propertyName: 'pet_type' }, oneOf: [{ $ref: '#/$defs/Cat' }, { $ref: '#/$defs/Dog' }], title: 'Pet' }, owners: { items: { type: 'string' }, title: 'Owners', type: 'array' } },
    required: ['pet', 'owners'], title: 'Household', type: 'object', additionalProperties: false,
  },
  pydantic_allof: { // older Pydantic wraps a $ref with a description in allOf
    $defs: { Status: { enum: ['open', 'closed'], title: 'Status', type: 'string' } },
    properties: { status: { allOf: [{ $ref: '#/$defs/Status' }], description: 'ticket status' }, id: { title: 'Id', type: 'integer', minimum: 1 } },
    required: ['status', 'id'], title: 'Ticket', type: 'object', additionalProperties: false,
  },
};

// Would the real API take this schema with strict: true?
function strictValid(s, root = true) {
  if (!s || typeof s !== 'object') return true;
  if (root && s.type !== 'object') return false;
  const isObj = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || (!s.type && s.properties);
  if (isObj) {
    const keys = Object.keys(s.properties ?? {});
    if (s.additionalProperties !== false) return false;
    if (keys.length !== (s.required ?? []).length || !keys.every((k) => s.required.includes(k))) return false;
  }
  const subs = [...Object.values(s.properties ?? {}), ...Object.values(s.$defs ?? {}), ...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? []), ...(s.prefixItems ?? []), ...(s.items && typeof s.items === "object" ? [s.items] : [])];
  return subs.every((x) => strictValid(x, false));
}

async function post(url, body) {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: JSON.stringify(body) });
  const json = await res.json();
  return { status: res.status, json };
}

const ASK = (i) => [{ role: 'user', content: `Case ${i}: describe the quarterly report on Zürich logistics and its key numbers.` }];

// Both ways of asking: response_format and a forced tool. Returns failures.
async function checkOne(url, name, schema, i) {
  const strict = strictValid(schema);
  const validate = ajv.compile(schema);
  const fails = [];
  const rf = await post(url, { model: MODEL, messages: ASK(i), response_format: { type: 'json_schema', json_schema: { name: 'out', strict, schema } } });
  if (rf.status !== 200) fails.push(`${name} response_format: HTTP ${rf.status} ${JSON.stringify(rf.json)}`);
  else if (!validate(JSON.parse(rf.json.choices[0].message.content))) fails.push(`${name} response_format: ${rf.json.choices[0].message.content} ${ajv.errorsText(validate.errors)}`);
  const tool = await post(url, { model: MODEL, messages: ASK(i), tools: [{ type: 'function', function: { name: 'record', strict, parameters: schema } }], tool_choice: { type: 'function', function: { name: 'record' } } });
  if (tool.status !== 200) fails.push(`${name} tool: HTTP ${tool.status} ${JSON.stringify(tool.json)}`);
  else {
    const args = tool.json.choices[0].message.tool_calls[0].function.arguments;
    if (!validate(JSON.parse(args))) fails.push(`${name} tool: ${args} ${ajv.errorsText(validate.errors)}`);
  }
  return fails;
}

async function checkAll(url, cases) {
  const fails = [];
  for (let i = 0; i < cases.length; i += PARALLEL) {
    const batch = cases.slice(i, i + PARALLEL).map(([name, s], j) => checkOne(url, name, s, i + j));
    for (const f of await Promise.all(batch)) fails.push(...f);
  }
  return fails;
}

describe('structured outputs validate against their schemas', () => {
  let s;
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  it(`${RANDOM_SCHEMAS} seeded random schemas of the supported subset`, async () => {
    const cases = Array.from({ length: RANDOM_SCHEMAS }, (_, i) => [`random #${i}`, randomSchema(i + 1)]);
    assert.ok(cases.filter(([, sc]) => strictValid(sc)).length > RANDOM_SCHEMAS / 3, 'enough strict schemas');
    const fails = await checkAll(s.url, cases);
    assert.deepEqual(fails.slice(0, 5), []);
  });

  it('zod 4 schemas (z.toJSONSchema), under a few conversations each', async () => {
    const cases = [];
    for (let k = 0; k < 8; k++) for (const c of zodSchemas()) cases.push([`${c[0]} v${k}`, c[1]]);
    const json = JSON.stringify(cases.map((c) => c[1]));
    assert.match(json, /"\$ref":"#\/\$defs\//, 'zod gave $ref/$defs');
    assert.match(json, /"oneOf"/, 'zod gave a discriminated union');
    const fails = await checkAll(s.url, cases);
    assert.deepEqual(fails.slice(0, 5), []);
  });

  it('Pydantic-style $defs schemas', async () => {
    const cases = [];
    for (let k = 0; k < 10; k++) for (const [n, sc] of Object.entries(PYDANTIC)) cases.push([`${n} v${k}`, sc]);
    assert.equal(strictValid(PYDANTIC.pydantic_defaults), false);
    const fails = await checkAll(s.url, cases);
    assert.deepEqual(fails.slice(0, 5), []);
  });

  it('the same request gets the same answer', async () => {
    const schema = randomSchema(77);
    const body = { model: MODEL, messages: ASK(1), response_format: { type: 'json_schema', json_schema: { name: 'out', schema } } };
    const a = await post(s.url, body);
    const b = await post(s.url, body);
    assert.equal(a.json.choices[0].message.content, b.json.choices[0].message.content);
  });

  it('strict mode refuses what the real API refuses', async () => {
    const loose = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
    const rf = await post(s.url, { model: MODEL, messages: ASK(0), response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true, schema: loose } } });
    assert.equal(rf.status, 400);
    assert.deepEqual(rf.json, { error: { message: "Invalid schema for response_format 'x': In context=(), 'additionalProperties' is required to be supplied and to be false.", type: 'invalid_request_error', param: 'response_format', code: null } });
    const partial = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'], additionalProperties: false };
    const tool = await post(s.url, { model: MODEL, messages: ASK(0), tools: [{ type: 'function', function: { name: 'f', strict: true, parameters: partial } }] });
    assert.equal(tool.status, 400);
    assert.equal(tool.json.error.message, "Invalid schema for function 'f': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'.");
    assert.equal(tool.json.error.param, 'tools[0].function.parameters');
    const union = await post(s.url, { model: MODEL, messages: ASK(0), response_format: { type: 'json_schema', json_schema: { name: 'u', strict: true, schema: { anyOf: [partial] } } } });
    assert.equal(union.status, 400);
    assert.match(union.json.error.message, /schema must be a JSON Schema of 'type: "object"', got 'type: "None"'/);
    const notStrict = await post(s.url, { model: MODEL, messages: ASK(0), response_format: { type: 'json_schema', json_schema: { name: 'x', schema: loose } } });
    assert.equal(notStrict.status, 200);
  });

  it('json_object needs the word json and follows a schema or example in the messages', async () => {
    const no = await post(s.url, { model: MODEL, messages: ASK(0), response_format: { type: 'json_object' } });
    assert.equal(no.status, 400);
    assert.deepEqual(no.json.error, { message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", type: 'invalid_request_error', param: 'messages', code: null });
    const example = await post(s.url, { model: MODEL, response_format: { type: 'json_object' }, messages: [{ role: 'system', content: 'Reply in JSON like {"city": "Oslo", "temp_c": 3.5, "rain": true, "hours": [1, 2]}' }, { role: 'user', content: 'Weather in Bergen?' }] });
    const v = JSON.parse(example.json.choices[0].message.content);
    assert.deepEqual(Object.keys(v), ['city', 'temp_c', 'rain', 'hours']);
    assert.equal(typeof v.city, 'string');
    assert.equal(typeof v.rain, 'boolean');
    assert.ok(Array.isArray(v.hours) && v.hours.every(Number.isInteger));
    const schema = zodSchemas()[3][1];
    const withSchema = await post(s.url, { model: MODEL, response_format: { type: 'json_object' }, messages: [{ role: 'user', content: `Answer with JSON matching this schema:\n\`\`\`json\n${JSON.stringify(schema)}\n\`\`\`` }] });
    const validate = ajv.compile(schema);
    assert.ok(validate(JSON.parse(withSchema.json.choices[0].message.content)), ajv.errorsText(validate.errors));
    const plain = await post(s.url, { model: MODEL, response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'Give me json about cats' }] });
    assert.equal(typeof JSON.parse(plain.json.choices[0].message.content), 'object');
  });
});
