/**
 * The Dockerfile, checked statically (this machine has no Docker engine): multi-stage with the
 * compilers only where better-sqlite3 is built, production dependencies only, non-root, a health
 * check, the right entry point per app, and yt-dlp + ffmpeg in the worker image only.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { execForm, isIgnored, lineage, parseDockerfile, resolveFrom, runs, stage } from './support/dockerfile.util';
import { APPS, readRepoFile, repoFileExists } from './support/repo.util';

const df = parseDockerfile(readRepoFile('Dockerfile'));
const runtime = df.stages[df.stages.length - 1];
const args = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const copiesFrom = (from: string) =>
  args('COPY')
    .map((a) => /^--from=(\S+)\s+(\S+)\s+(\S+)$/.exec(a))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === from)
    .map((m) => ({ src: m[2], dest: m[3] }));
const allRuns = (s: (typeof df.stages)[number]) => lineage(df, s).flatMap(runs);

describe('Dockerfile', () => {
  it('runs on node:20-bookworm-slim, without the build stages under it', () => {
    expect(resolveFrom(runtime.from, df.globalArgs)).toBe('node:20-bookworm-slim');
    expect(lineage(df, runtime)).toHaveLength(1);
    // python3 is there for the worker's yt-dlp only (checked below), never a compiler
    expect(runs(runtime).join(' ')).not.toMatch(/\b(g\+\+|make|gcc|npm (ci|install))\b/);
  });

  it('builds better-sqlite3 where python3, make and g++ are installed, then runs npm ci and npm run build', () => {
    const build = stage(df, 'build');
    const steps = allRuns(build).join('\n');
    expect(steps).toMatch(/apt-get install[^\n]*\bpython3\b[^\n]*\bmake\b[^\n]*\bg\+\+/);
    const own = runs(build);
    expect(own[0]).toMatch(/^npm ci\b(?!.*--omit)/);
    expect(own[own.length - 1]).toBe('npm run build');
    // sources come in after npm ci, so editing code does not reinstall dependencies
    const order = build.instructions.map((i) => `${i.keyword} ${i.args}`);
    expect(order.indexOf('COPY . .')).toBeGreaterThan(order.findIndex((i) => i.startsWith('RUN npm ci')));
  });

  it('ships node_modules from npm ci --omit=dev only', () => {
    const modules = df.stages.filter((s) => copiesFrom(s.name ?? '').some((c) => c.src === '/app/node_modules'));
    expect(modules.map((s) => s.name)).toEqual(['prod-deps']);
    const steps = allRuns(modules[0]);
    expect(steps.filter((r) => /\bnpm (ci|install|i)\b/.test(r) && !/npm install -g/.test(r))).toEqual([expect.stringMatching(/^npm ci --omit=dev\b/)]);
  });

  it('copies the built app to the path its project builds it to and starts it there', () => {
    expect(copiesFrom('build')).toContainEqual({ src: '/app/dist/${APP}', dest: './dist/${APP}' });
    const cmd = execForm(args('CMD')[0]);
    expect(cmd).toEqual(['/bin/sh', '-c', 'exec node dist/${APP}/apps/${APP}/src/main.js']);
    for (const app of APPS) {
      const tsconfig = JSON.parse(readRepoFile(`apps/${app}/tsconfig.app.json`)) as { compilerOptions: { outDir: string; rootDir: string } };
      expect(normalize(join('apps', app, tsconfig.compilerOptions.outDir))).toBe(`dist/${app}`);
      expect(normalize(join('apps', app, tsconfig.compilerOptions.rootDir))).toBe('.');
    }
    expect(APPS.filter((app) => !repoFileExists(`apps/${app}/src/main.ts`))).toEqual([]);
  });

  it('defaults APP to gateway and refuses an unknown APP', () => {
    expect(args('ARG')).toContain('APP=gateway');
    const guard = runs(runtime).find((r) => r.includes('case "$APP"'));
    expect(guard).toContain(`${APPS.join('|')})`);
  });

  it('runs as a numeric non-root user', () => {
    const user = args('USER');
    expect(user).toHaveLength(1);
    expect(user[0]).toMatch(/^[1-9]\d*(:\d+)?$/);
    // USER comes after every RUN, so nothing later runs as root
    const order = runtime.instructions.map((i) => i.keyword);
    expect(order.lastIndexOf('RUN')).toBeLessThan(order.indexOf('USER'));
  });

  it('has a HEALTHCHECK running the health script it copies in', () => {
    const hc = args('HEALTHCHECK');
    expect(hc).toHaveLength(1);
    expect(hc[0]).toMatch(/--interval=\S+/);
    const cmd = execForm(hc[0].replace(/^(--\S+\s+)*CMD\s+/, ''));
    expect(cmd).toEqual(['node', '/app/healthcheck.js', '/health/ready']);
    expect(args('COPY')).toContain('deploy/docker/healthcheck.js ./healthcheck.js');
    expect(args('WORKDIR')).toEqual(['/app']);
  });

  it('starts node under tini, and exposes the API and metrics ports', () => {
    expect(execForm(args('ENTRYPOINT')[0])).toEqual(['/usr/bin/tini', '--']);
    expect(args('EXPOSE').join(' ').split(' ').sort()).toEqual(['8080', '9464', '9465']);
  });

  describe('runtime packages (the RUN step executed with apt-get, dpkg, python3, pip and the tools stubbed)', () => {
    const step = runs(runtime).find((r) => r.includes('apt-get install')) ?? 'exit 99';
    const VENV = '/opt/yt-dlp';

    interface StepRun {
      status: number | null;
      installed: string[];
      /** Every stubbed call, in order: "apt-get install ...", "pip install ...", "ffmpeg -version"... */
      calls: string[];
    }

    /** Runs the step with a PATH holding only stubs, so it can call nothing else; the venv lives in a temp dir. */
    function packagesFor(app: string, env: Record<string, string> = {}): StepRun {
      const dir = mkdtempSync(join(tmpdir(), 'mda-dockerfile-'));
      try {
        const log = join(dir, 'calls.log');
        const stub = (path: string, name: string) => {
          writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> "${log}"\n`);
          chmodSync(path, 0o755);
        };
        for (const tool of ['apt-get', 'rm', 'dpkg', 'ln', 'yt-dlp', 'ffmpeg', 'ffprobe', 'aria2c']) stub(join(dir, tool), tool);
        // python3 -m venv <dir> makes <dir>/bin/pip, as the real one does
        writeFileSync(
          join(dir, 'python3'),
          `#!/bin/sh\necho "python3 $*" >> "${log}"\nmkdir -p "$3/bin" && printf '#!/bin/sh\\necho "pip $*" >> "${log}"\\n' > "$3/bin/pip" && chmod 755 "$3/bin/pip"\n`,
        );
        chmodSync(join(dir, 'python3'), 0o755);
        writeFileSync(join(dir, 'mkdir'), `#!/bin/sh\nexec /bin/mkdir "$@"\n`);
        writeFileSync(join(dir, 'chmod'), `#!/bin/sh\nexec /bin/chmod "$@"\n`);
        chmodSync(join(dir, 'mkdir'), 0o755);
        chmodSync(join(dir, 'chmod'), 0o755);
        writeFileSync(log, '');
        const r = spawnSync('/bin/sh', ['-c', step.split(VENV).join(join(dir, 'venv'))], { env: { PATH: dir, APP: app, ...env }, encoding: 'utf8' });
        const calls = readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l !== '');
        const install = calls.find((l) => l.startsWith('apt-get install'));
        return {
          status: r.status,
          installed: install
            ? install
                .split(' ')
                .slice(2)
                .filter((w) => !w.startsWith('-'))
            : [],
          calls,
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    it("pins yt-dlp with a build argument newer than Debian's 2023.03.04", () => {
      const arg = args('ARG').find((a) => a.startsWith('YTDLP_VERSION='));
      expect(arg).toMatch(/^YTDLP_VERSION=\d{4}\.\d{2}\.\d{2}(\.\d+)?$/);
      expect(String(arg).split('=')[1] > '2023.03.04').toBe(true);
    });

    it('installs ffmpeg and aria2 from Debian and yt-dlp at the pinned version from its release into a venv, for the worker', () => {
      const r = packagesFor('downloader-worker', { YTDLP_VERSION: '2099.01.02' });
      expect(r.status).toBe(0);
      expect(r.installed).toEqual(['tini', 'ca-certificates', 'python3', 'python3-venv', 'ffmpeg', 'aria2']);
      expect(r.calls).toContain('python3 -m venv ' + r.calls.find((c) => c.startsWith('python3 -m venv'))?.split(' ')[3]);
      expect(r.calls.filter((c) => c.startsWith('pip install'))).toEqual([expect.stringMatching(/^pip install .*\byt-dlp==2099\.01\.02$/)]);
      expect(r.calls.find((c) => c.startsWith('ln '))).toMatch(/ln -s \S+\/bin\/yt-dlp \/usr\/local\/bin\/yt-dlp$/);
    });

    it("drops the Mesa DRI drivers and libLLVM that Debian's ffmpeg drags in, then checks that the tools still start", () => {
      const { calls } = packagesFor('downloader-worker', { YTDLP_VERSION: '2099.01.02' });
      const purge = calls.findIndex((c) => c.startsWith('dpkg --purge'));
      expect(calls[purge].split(' ')).toEqual(expect.arrayContaining(['libllvm15', 'libgl1-mesa-dri', 'libz3-4']));
      for (const check of ['yt-dlp --version', 'ffmpeg -version', 'ffprobe -version', 'aria2c --version']) expect(calls.indexOf(check)).toBeGreaterThan(purge);
    });

    it.each(['gateway', 'webhook-sender'])('installs none of it for %s', (app) => {
      const r = packagesFor(app);
      expect(r.status).toBe(0);
      expect(r.installed).toEqual(['tini', 'ca-certificates']);
      expect(r.calls.filter((c) => /^(pip|python3|dpkg|yt-dlp|ffmpeg|aria2c)\b/.test(c))).toEqual([]);
    });

    it('fails the build for an unknown APP', () => {
      expect(packagesFor('gatway').status).not.toBe(0);
    });
  });
});

describe('.dockerignore', () => {
  const patterns = readRepoFile('.dockerignore').split('\n');

  it.each([
    'node_modules',
    'apps/gateway/node_modules/x',
    'dist/gateway/main.js',
    '.git/HEAD',
    '.env',
    '.env.local',
    'storage/videos/a.mp4',
    'data/jobs.sqlite',
    'deploy/base/config.yaml',
    '.nx/cache',
  ])('keeps %s out of the build context', (path) => expect(isIgnored(patterns, path)).toBe(true));

  it.each([
    'package.json',
    'package-lock.json',
    'nx.json',
    'tsconfig.base.json',
    'apps/gateway/src/main.ts',
    'libs/contracts/src/index.ts',
    'deploy/docker/healthcheck.js',
    '.env.example',
  ])('sends %s, which the build needs', (path) => expect(isIgnored(patterns, path)).toBe(false));
});
