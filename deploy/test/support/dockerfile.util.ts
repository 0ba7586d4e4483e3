/** A Dockerfile read into stages of instructions, enough to check it without a Docker engine. */

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  globalArgs: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  // drop comment lines (also inside continuations, as Docker does), then join continuations
  const logical = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`cannot read Dockerfile line: ${line}`);
    const keyword = m[1].toUpperCase();
    const args = m[2].replace(/\s+/g, ' ');
    if (keyword === 'FROM') {
      const f = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!f) throw new Error(`cannot read FROM ${args}`);
      stages.push({ from: f[1], name: f[2], instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`${keyword} before the first FROM`);
      const [k, v] = args.split('=', 2);
      globalArgs[k] = v ?? '';
    } else {
      stages[stages.length - 1].instructions.push({ keyword, args });
    }
  }
  return { globalArgs, stages };
}

/** Resolves ${NAME} / $NAME in a FROM line with the global ARG defaults. */
export function resolveFrom(from: string, globalArgs: Record<string, string>): string {
  return from.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, n: string) => globalArgs[n] ?? '');
}

export function stage(df: Dockerfile, name: string): Stage {
  const s = df.stages.find((x) => x.name === name);
  if (!s) throw new Error(`no stage ${name}`);
  return s;
}

/** The stage and every stage it is built FROM, nearest first. */
export function lineage(df: Dockerfile, s: Stage): Stage[] {
  const parent = df.stages.find((x) => x.name !== undefined && x.name === s.from);
  return parent ? [s, ...lineage(df, parent)] : [s];
}

export function runs(s: Stage): string[] {
  return s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
}

/** Docker's exec form ["a", "b"] as an array, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  const json = args.replace(/^(--\S+\s+)*/, '');
  if (!json.startsWith('[')) return undefined;
  return JSON.parse(json) as string[];
}

/** Whether .dockerignore patterns (in order, with ! exceptions) leave `path` out of the build context. */
export function isIgnored(patterns: string[], path: string): boolean {
  const toRegex = (p: string): RegExp =>
    new RegExp(
      '^' +
        p
          .replace(/^\/+|\/+$/g, '')
          .split('/')
          .map((seg) =>
            seg === '**'
              ? '.*'
              : seg
                  .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                  .replace(/\*/g, '[^/]*')
                  .replace(/\?/g, '[^/]'),
          )
          .join('/')
          .replace(/\.\*\//g, '(?:.*/)?') +
        '$',
    );
  const parents = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const raw of patterns.map((p) => p.trim()).filter((p) => p && !p.startsWith('#'))) {
    const negate = raw.startsWith('!');
    const re = toRegex(negate ? raw.slice(1) : raw);
    if (parents.some((p) => re.test(p))) ignored = !negate;
  }
  return ignored;
}
