import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';

export type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
  components: object;
  webhooks: Record<string, any>;
};

/** Validates live bodies against the schemas the served /docs-json documents (OpenAPI 3.1 = JSON Schema 2020-12). */
export class DocumentedSchemas {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(readonly doc: Doc) {
    this.ajv.addSchema({ $id: 'mda:openapi', components: doc.components });
  }

  private validator(key: string, schema: object): ValidateFunction {
    let v = this.cache.get(key);
    if (!v) this.cache.set(key, (v = this.ajv.compile(rebase(schema))));
    return v;
  }

  /** Problems of `body` against the documented response `status` of `method path` (a template such as /api/v1/download/{request_id}). */
  responseProblems(method: string, path: string, status: number, body: unknown): string[] {
    const op = this.doc.paths[path]?.[method.toLowerCase()];
    if (!op) return [`${method} ${path} is not documented`];
    const resp = op.responses[String(status)];
    if (!resp) return [`${method} ${path} documents no ${status} response`];
    const schema = resp.content?.['application/json']?.schema;
    if (!schema) return [`${method} ${path} ${status} has no JSON schema`];
    return this.run(`${method} ${path} ${status}`, schema, body);
  }

  /** Problems of a webhook body against the documented payload of its event. */
  webhookProblems(event: string, body: unknown): string[] {
    const schema = this.doc.webhooks[event]?.post?.requestBody?.content?.['application/json']?.schema;
    if (!schema) return [`webhook ${event} is not documented`];
    return this.run(`webhook ${event}`, schema, body);
  }

  schemaProblems(name: string, body: unknown): string[] {
    return this.run(`schema ${name}`, { $ref: `#/components/schemas/${name}` }, body);
  }

  private run(key: string, schema: object, body: unknown): string[] {
    const v = this.validator(key, schema);
    return v(body) ? [] : (v.errors ?? []).map((e) => `${key}: ${e.instancePath || '/'} ${e.message}`);
  }
}

/** `#/components/...` refs point into the document added under the id mda:openapi. */
function rebase(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"mda:openapi#/'));
}
