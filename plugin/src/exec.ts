import { CniError, ErrorCode } from './errors.ts';

export interface Output {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Where tools are looked up when the runtime passed no PATH. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
}

// Bun's own spawn: importing node:child_process costs milliseconds of start-up on every call.
function spawnArgs(argv: string[], opts: RunOptions) {
  const env = opts.env ?? process.env;
  return {
    cmd: argv,
    env: env.PATH ? env : { ...env, PATH: DEFAULT_PATH },
    stdin: new TextEncoder().encode(opts.input ?? ''),
    stdout: 'pipe',
    stderr: 'pipe',
  } as const;
}

function notStarted(argv: string[], err: unknown, env: NodeJS.ProcessEnv | undefined): CniError {
  const missing = /ENOENT|No such file/.test(String(err));
  return new CniError(
    ErrorCode.CommandFailed,
    missing ? `${argv[0]} not found: install it on this node (PATH=${(env ?? process.env).PATH ?? DEFAULT_PATH})` : `could not run ${argv[0]}`,
    `${(err as Error).message}; command: ${quote(argv)}`,
    { cause: err },
  );
}

/** Runs argv (never a shell string) and returns its output, whatever its exit code. */
export function run(argv: string[], opts: RunOptions = {}): Output {
  try {
    const r = Bun.spawnSync(spawnArgs(argv, opts));
    return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), exitCode: r.exitCode ?? 1 };
  } catch (err) {
    throw notStarted(argv, err, opts.env);
  }
}

/** Like run, without blocking: independent commands of one call overlap. */
export async function runAsync(argv: string[], opts: RunOptions = {}): Promise<Output> {
  let proc;
  try {
    proc = Bun.spawn(spawnArgs(argv, opts));
  } catch (err) {
    throw notStarted(argv, err, opts.env);
  }
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, exitCode };
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
