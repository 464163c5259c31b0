import { spawn } from 'node:child_process';
import { debugLog } from './debug-log.ts';
import { CommandError, shellQuote } from './errors.ts';

const log = debugLog('host');

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface HostExecOptions {
  /** Names the operation in the error, e.g. "create network". */
  what: string;
  /** Return the result instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
}

/** Runs argv on this machine (never through a shell) and collects its output. */
export function hostExec(argv: readonly string[], opts: HostExecOptions): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) throw new TypeError('hostExec: empty argv');
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new CommandError(opts.what, 'host', shellQuote(argv), 127, e.message, { cause: e })));
    child.on('close', (code, signal) => {
      const res = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + (signal ? `\nkilled by ${signal}` : ''),
        exitCode: code ?? 128,
      };
      log(`${shellQuote(argv)} -> exit ${res.exitCode} in ${(performance.now() - t0).toFixed(0)} ms`);
      if (res.exitCode !== 0 && !opts.allowFailure) {
        reject(new CommandError(opts.what, 'host', shellQuote(argv), res.exitCode, res.stderr));
      } else resolve(res);
    });
  });
}
