import { Controller, DynamicModule, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import { HandleMessages, HandlerOutcome, HandlerRegistrationError, createConsumerApp } from '@mda/messaging';
import { createLogger } from '@mda/observability';
import { TestVhost, createTestVhost } from '@mda/testing';
import { SenderConfig, loadSenderConfig } from '../src/config/sender-config';
import { DeliveryHandler } from '../src/delivery/delivery.handler';
import { SENDER_APP, SENDER_SUBSCRIPTIONS } from '../src/sender-app';

/** A second intake of the download events, as a copy-pasted controller would add. */
@Controller()
class SecondIntake {
  @HandleMessages(SUBSCRIPTIONS.senderDownloadEvents)
  async again(@Payload() _env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.senderDownloadEvents>): Promise<HandlerOutcome> {
    return 'ack';
  }
}

@Module({})
class WithSecondIntake {}

describe('the webhook-sender refuses to start unless each subscription it declares has exactly one handler', () => {
  let vhost: TestVhost;
  let config: SenderConfig;
  const logger = createLogger('sender-startup-test', 'silent');

  beforeAll(async () => {
    vhost = await createTestVhost('sender-startup');
    config = loadSenderConfig({ API_KEY: 'sender-startup-key-0123456789', AMQP_URL: vhost.amqpUrl, HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  });
  afterAll(async () => {
    await vhost?.dispose();
  });

  it('starts as built: one handler for each of webhook-sender.download-events and webhooks.deliver', async () => {
    expect(SENDER_SUBSCRIPTIONS).toEqual(['webhook-sender.download-events', 'webhooks.deliver']);
    const { app } = await createConsumerApp(SENDER_APP, config, logger);
    await app.close();
  });

  it('stops on a duplicate handler, naming both', async () => {
    const module = (c: SenderConfig): DynamicModule => ({ module: WithSecondIntake, imports: [SENDER_APP.module(c)], controllers: [SecondIntake] });
    const started = createConsumerApp({ ...SENDER_APP, module }, config, logger);
    await expect(started).rejects.toThrow(HandlerRegistrationError);
    await expect(started).rejects.toThrow(
      '"webhook-sender.download-events" has 2 handlers (EventIntakeHandler.handle, SecondIntake.again); only one may handle a subscription',
    );
  });

  it('stops on a declared subscription without a handler', async () => {
    const module = (c: SenderConfig): DynamicModule => {
      const m = SENDER_APP.module(c);
      return { ...m, controllers: (m.controllers ?? []).filter((k) => k !== DeliveryHandler) };
    };
    const started = createConsumerApp({ ...SENDER_APP, module }, config, logger);
    await expect(started).rejects.toThrow('message handlers do not match the declared subscriptions: "webhooks.deliver" is declared but has no handler');
  });
});
