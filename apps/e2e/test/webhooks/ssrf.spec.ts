import { randomToken } from '@mda/contracts';
import { waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { DeadLetter, TestBroker, newRequestId, webhookTarget } from './support/broker';
import { TestReceiver } from './support/receiver';

/** With ALLOW_PRIVATE_NETWORKS=false, private webhook targets are refused at submit and at dial time. */
describe('webhook SSRF guard', () => {
  let sys: TestSystem;
  let broker: TestBroker;
  let receiver: TestReceiver;

  beforeAll(async () => {
    receiver = await TestReceiver.start();
    sys = await TestSystem.start({ apps: ['gateway', 'webhook-sender'], env: { ALLOW_PRIVATE_NETWORKS: 'false' } });
    broker = await TestBroker.connect(sys.vhost.amqpUrl);
  }, 90_000);

  afterAll(async () => {
    await broker?.close();
    await sys?.stop();
    await receiver?.close();
  });

  it.each(['http://127.0.0.1/hook', 'http://[::ffff:127.0.0.1]/hook', 'http://2130706433/hook', 'http://localhost/hook', 'http://169.254.169.254/latest'])(
    'the gateway answers 400 for webhook_url %s and stores nothing',
    async (webhookUrl) => {
      // a public IP literal: the gateway's DNS check of the download URL needs no resolver (no traffic leaves the machine)
      const r = await sys.api('POST', '/api/v1/download', { url: 'https://93.184.216.34/video.mp4', webhook_url: webhookUrl });
      expect(r.status).toBe(400);
      // a decimal-integer host is already refused as a URL by validation; the rest by the address policy
      expect(r.body.error.code).toBe(webhookUrl.includes('2130706433') ? 'validation_error' : 'forbidden_address');
      expect(r.body.error.message).toMatch(/webhook_url/);
      const list = await sys.api('GET', '/api/v1/downloads');
      expect(list.status).toBe(200);
      expect(JSON.stringify(list.body)).not.toContain(webhookUrl);
    },
  );

  it('the sender refuses to dial a private address at delivery time: dead, forbidden_address', async () => {
    const requestId = newRequestId();
    const target = webhookTarget(receiver.url('/private'), sys.apiKey);
    const eventId = `msg_${randomToken(20)}`;
    await broker.publishDelivery({
      event_id: eventId,
      event: 'download.started',
      request_id: requestId,
      batch_id: null,
      url: target.url,
      key_fp: target.key_fp,
      body: JSON.stringify({ event: 'download.started', timestamp: '2026-01-01T00:00:00Z', request_id: requestId, data: { request_id: requestId } }),
      attempt: 1,
      created_at: new Date().toISOString(),
    });
    const letters: DeadLetter[] = [];
    const letter = await waitFor(
      async () => {
        letters.push(...(await broker.takeDeadLetters()));
        return letters.find((l) => l.delivery.event_id === eventId);
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'the dead letter' },
    );
    expect(letter.reason).toBe('forbidden_address');
    expect(letter.delivery.attempt).toBe(1);
    expect(receiver.hits).toHaveLength(0);
  }, 30_000);
});
