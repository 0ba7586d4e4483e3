import { EgressPolicy, GuardedHttpClient, assertPublicUrl } from '@mda/net-guard';
import { Egress, EgressRefusal, EgressSession } from '../../src/egress/egress';
import { OutboundTool, proxiedCommand } from '../../src/egress/tool-command';

/** The proxy URL every fake session hands out (its credential is `tok`). */
export const FAKE_PROXY = 'http://tok:x@127.0.0.1:1';

/**
 * Egress that records sessions, the commands made through them and the HTTP clients handed out;
 * commands are the real `proxiedCommand` with FAKE_PROXY. A test can make a session report a refusal.
 */
export class FakeEgress extends Egress {
  readonly opened: string[] = [];
  readonly closed: string[] = [];
  readonly commands: Array<{ tool: OutboundTool; args: readonly string[] }> = [];
  readonly clients: GuardedHttpClient[] = [];
  readonly checked: string[] = [];
  refusals: EgressRefusal[] = [];

  constructor(private readonly policy = EgressPolicy.publicOnly()) {
    super();
  }

  open(label: string): EgressSession {
    this.opened.push(label);
    return {
      command: (tool, args) => {
        this.commands.push({ tool, args });
        return proxiedCommand(tool, args, FAKE_PROXY);
      },
      checkUrls: async () => undefined,
      redact: (text) => text.split('tok').join('***'),
      refusal: () => this.refusals[0],
      close: () => void this.closed.push(label),
    };
  }

  httpClient(opts: { connections: number }): GuardedHttpClient {
    const client = new GuardedHttpClient({ policy: this.policy, connections: opts.connections });
    this.clients.push(client);
    return client;
  }

  async assertAllowed(url: string): Promise<void> {
    this.checked.push(url);
    await assertPublicUrl(url, this.policy);
  }
}
