import { spawnSync } from 'node:child_process';
import { CniError, ErrorCode } from './errors.ts';

export interface Output {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Where tools are looked up when the runtime passed no PATH. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Runs argv (never a shell string) and returns its output, whatever its exit code. */
export function run(argv: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Output {
  const env = opts.env ?? process.env;
  const res = spawnSync(argv[0]!, argv.slice(1), {
    input: opts.input ?? '',
    encoding: 'utf8',
    env: env.PATH ? env : { ...env, PATH: DEFAULT_PATH },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) {
    const missing = (res.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CniError(
      ErrorCode.CommandFailed,
      missing ? `${argv[0]} not found: install it on this node (PATH=${env.PATH ?? DEFAULT_PATH})` : `could not run ${argv[0]}`,
      `${res.error.message}; command: ${quote(argv)}`,
      { cause: res.error },
    );
  }
  return { stdout: res.stdout, stderr: res.stderr, exitCode: res.status ?? 1 };
}

/** Like run, but a non-zero exit throws an error naming the pasteable command and its stderr. */
export function mustRun(argv: string[], opts: { input?: string; what: string }): string {
  const out = run(argv, opts);
  if (out.exitCode !== 0) throw commandFailed(opts.what, argv, out, opts.input);
  return out.stdout;
}

export function commandFailed(what: string, argv: string[], out: Output, input?: string): CniError {
  const stdin = input ? ` <<'EOF'\n${input}EOF` : '';
  return new CniError(
    ErrorCode.CommandFailed,
    `${what}: ${out.stderr.trim().split('\n').slice(-3).join('; ') || `exit code ${out.exitCode}`}`,
    `command (exit ${out.exitCode}): ${quote(argv)}${stdin}`,
  );
}

export function quote(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
