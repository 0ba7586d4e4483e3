import { statSync } from 'node:fs';
import { MediaServer, makeClip, mediaRoot, serveMedia } from '@mda/testing';
import { TestSystem } from '../../support/system';
import { AuditTap } from './broker';
import { Receiver } from './receiver';

export interface FaultRig {
  sys: TestSystem;
  tap: AuditTap;
  receiver: Receiver;
  media: MediaServer;
  clip: string;
  stop(): Promise<void>;
}

/**
 * What every fault case starts from: the whole system on its own vhost, an audit tap of what it
 * publishes, a signature-checking receiver, and a generated clip served on 127.0.0.1
 * (slowed to about `downloadSeconds` per download when given).
 */
export interface FaultRigOptions {
  env: Record<string, string>;
  clip: { seconds: number; title: string };
  downloadSeconds?: number;
}

export async function startFaultRig(opts: FaultRigOptions): Promise<FaultRig> {
  const sys = await TestSystem.start({ env: opts.env });
  const tap = await AuditTap.start(sys.vhost);
  const receiver = await Receiver.start(sys.apiKey);
  const clip = await makeClip(opts.clip);
  const media = await serveMedia(mediaRoot(), opts.downloadSeconds ? { bytesPerSecond: Math.ceil(statSync(clip).size / opts.downloadSeconds) } : undefined);
  return {
    sys,
    tap,
    receiver,
    media,
    clip,
    async stop() {
      await receiver.close();
      await media.close();
      await sys.stop();
    },
  };
}

/** A rig started before the suite's tests and stopped after them: call the result inside a test to reach it. */
export function faultRigPerSuite(opts: FaultRigOptions): () => FaultRig {
  let rig: FaultRig | undefined;
  beforeAll(async () => {
    rig = await startFaultRig(opts);
  }, 90_000);
  afterAll(() => rig?.stop(), 60_000);
  return () => {
    if (!rig) throw new Error('the fault rig did not start');
    return rig;
  };
}
