import { createLogger } from '@mda/observability';
import { waitFor } from '@mda/testing';
import { IntakeGate } from './intake-gate';
import { ProbeResult, ToolProbe, execToolProbe } from './adapters/tool-probe';
import { ToolSpec, ToolsMonitor, versionNumber } from './tools-monitor';

const SPECS: ToolSpec[] = [
  { name: 'yt-dlp', path: '/opt/missing/yt-dlp', variable: 'YTDLP_PATH', versionArgs: ['--version'] },
  { name: 'ffmpeg', path: 'ffmpeg', variable: 'FFMPEG_PATH', versionArgs: ['-version'] },
];
const logger = createLogger('tools-test', 'silent');

/** A probe whose answers the test changes. */
function fakeProbe(answers: Record<string, ProbeResult>): ToolProbe {
  return async (path) => answers[path] ?? { ok: false, reason: 'not found' };
}

function recordingIntake() {
  const calls: string[] = [];
  return { calls, intake: { pause: async () => void calls.push('pause'), resume: async () => void calls.push('resume') } };
}

describe('ToolsMonitor', () => {
  it('pauses the job consumer while yt-dlp is missing, naming the tool, its variable and path', async () => {
    const answers: Record<string, ProbeResult> = { ffmpeg: { ok: true, version: 'ffmpeg version 5.1.6 Copyright' } };
    const { calls, intake } = recordingIntake();
    const monitor = new ToolsMonitor(SPECS, fakeProbe(answers), logger, 20);
    await monitor.attach(intake);
    expect(calls).toEqual(['pause']);
    expect(monitor.reason).toContain('yt-dlp not found at YTDLP_PATH=/opt/missing/yt-dlp');
    expect(monitor.reason).toContain('apt-get install');
    expect(monitor.versions).toEqual([
      { name: 'yt-dlp', path: '/opt/missing/yt-dlp', version: null, error: 'not found' },
      { name: 'ffmpeg', path: 'ffmpeg', version: '5.1.6', error: null },
    ]);
    answers['/opt/missing/yt-dlp'] = { ok: true, version: '2023.03.04' };
    await waitFor(() => calls.length === 2, { timeoutMs: 2000 });
    expect(calls).toEqual(['pause', 'resume']);
    expect(monitor.reason).toBeUndefined();
    monitor.stop();
  });

  it('takes jobs at once when every tool runs', async () => {
    const { calls, intake } = recordingIntake();
    const monitor = new ToolsMonitor(SPECS, async () => ({ ok: true, version: '1' }), logger);
    await monitor.attach(intake);
    expect(calls).toEqual([]);
    expect(monitor.reason).toBeUndefined();
  });

  it('reads versions from real binaries and reports a missing path as not found', async () => {
    await expect(execToolProbe('/nonexistent/yt-dlp', ['--version'])).resolves.toEqual({ ok: false, reason: 'not found' });
    const ff = await execToolProbe('ffmpeg', ['-version']);
    expect(ff.ok && versionNumber(ff.version)).toMatch(/^\d/);
  });
});

describe('IntakeGate', () => {
  it('keeps the consumer paused until every hold is released', async () => {
    const { calls, intake } = recordingIntake();
    const gate = new IntakeGate();
    gate.attach(intake);
    const store = gate.for('store');
    const tools = gate.for('tools');
    await tools.pause();
    await store.pause();
    await tools.resume();
    expect(calls).toEqual(['pause']);
    await store.resume();
    expect(calls).toEqual(['pause', 'resume']);
    await store.resume();
    expect(calls).toEqual(['pause', 'resume']);
  });
});
