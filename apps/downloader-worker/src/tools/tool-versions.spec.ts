import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'prom-client';
import { createLogger } from '@mda/observability';
import { NodeProcessSpawner } from '../download/adapters/yt-dlp/process-spawner';
import { VERSION_UNAVAILABLE, parseFfmpegVersion, parseYtDlpVersion, readToolVersions, reportToolVersions } from './tool-versions';

describe('tool versions', () => {
  const spawner = new NodeProcessSpawner();
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mda-tools-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in program that prints `out` and exits with `code`. */
  function program(name: string, script: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('parses the first line each tool prints', () => {
    expect(parseYtDlpVersion(['2026.10.26'])).toBe('2026.10.26');
    expect(parseYtDlpVersion(['2024.08.06.232658'])).toBe('2024.08.06.232658');
    expect(parseYtDlpVersion(['Usage: yt-dlp [OPTIONS] URL'])).toBeUndefined();
    expect(parseFfmpegVersion(['ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2025 the FFmpeg developers'])).toBe('5.1.9-0+deb12u1');
    expect(parseFfmpegVersion(['ffmpeg version N-117000-g1234abcd-20241001 Copyright'])).toBe('N-117000-g1234abcd-20241001');
    expect(parseFfmpegVersion([])).toBeUndefined();
  });

  it('asks the installed yt-dlp and ffmpeg (real programs) for their versions', async () => {
    const versions = await readToolVersions(spawner, { ytdlpPath: 'yt-dlp', ffmpegPath: 'ffmpeg' });
    expect(versions).toEqual([
      { tool: 'yt-dlp', version: expect.stringMatching(/^\d{4}\.\d{2}\.\d{2}/) },
      { tool: 'ffmpeg', version: expect.stringMatching(/^\d+\.\d+/) },
    ]);
  });

  it('reports a missing, failing, babbling or hanging program as unavailable, and stops the hanging one', async () => {
    const failing = program('failing', 'echo 2026.01.01; exit 3');
    const babbling = program('babbling', 'echo hello');
    const hanging = program('hanging', `echo $$ > ${join(dir, 'pid')}; exec sleep 30`);
    expect(await readToolVersions(spawner, { ytdlpPath: join(dir, 'nowhere'), ffmpegPath: failing }, 2000)).toEqual([
      { tool: 'yt-dlp', version: VERSION_UNAVAILABLE },
      { tool: 'ffmpeg', version: VERSION_UNAVAILABLE },
    ]);
    const started = Date.now();
    expect(await readToolVersions(spawner, { ytdlpPath: babbling, ffmpegPath: hanging }, 300)).toEqual([
      { tool: 'yt-dlp', version: VERSION_UNAVAILABLE },
      { tool: 'ffmpeg', version: VERSION_UNAVAILABLE },
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it('exports mda_tool_info{tool,version} 1 for each tool', async () => {
    const ytdlp = program('yt-dlp', 'echo 2026.10.26');
    const ffmpeg = program('ffmpeg', 'echo "ffmpeg version 7.1-static Copyright (c) 2000-2024"');
    await reportToolVersions(spawner, { ytdlpPath: ytdlp, ffmpegPath: ffmpeg }, createLogger('test', 'silent'));
    const text = await register.getSingleMetricAsString('mda_tool_info');
    expect(text).toContain('mda_tool_info{tool="yt-dlp",version="2026.10.26"} 1');
    expect(text).toContain('mda_tool_info{tool="ffmpeg",version="7.1-static"} 1');
  });
});
