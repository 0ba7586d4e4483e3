import type { OpenAPIObject } from '@nestjs/swagger';
import { toOpenApi31 } from './openapi-31';

describe('toOpenApi31', () => {
  const doc = (schemas: Record<string, unknown>) =>
    ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: {}, components: { schemas } }) as unknown as OpenAPIObject;

  it('sets the version, turns nullable into type arrays and nullable models into anyOf with null', () => {
    const out = toOpenApi31(
      doc({
        A: {
          type: 'object',
          properties: {
            s: { type: 'string', nullable: true },
            e: { type: 'string', enum: ['x'], nullable: true },
            m: { type: 'object', nullable: true, allOf: [{ $ref: '#/components/schemas/B' }], description: 'model' },
            n: { type: 'integer', nullable: false },
          },
        },
      }),
    ) as any;
    expect(out.openapi).toBe('3.1.0');
    const p = out.components.schemas.A.properties;
    expect(p.s).toEqual({ type: ['string', 'null'] });
    expect(p.e).toEqual({ type: ['string', 'null'], enum: ['x', null] });
    expect(p.m).toEqual({ description: 'model', anyOf: [{ $ref: '#/components/schemas/B' }, { type: 'null' }] });
    expect(p.n).toEqual({ type: 'integer' });
  });

  it('adds the webhook events with their headers, body schema and the signature scheme', () => {
    const out = toOpenApi31(doc({})) as any;
    expect(Object.keys(out.webhooks)).toHaveLength(8);
    expect(out.webhooks['download.failed'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/DownloadFailedWebhook' });
    expect(out.components.securitySchemes.webhook_signature).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Webhook-Signature' });
  });
});
