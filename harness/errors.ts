/** One error class per failure kind; each message names the operation and its target. */

/** Quotes argv so that the result can be pasted into a POSIX shell. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The last lines of a command's stderr, enough to see why it failed. */
export function tail(text: string, lines = 5): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** A command (on this machine or in a node) exited non-zero. */
export class CommandError extends Error {
  constructor(
    /** What the harness was doing, e.g. "add pod route". */
    readonly what: string,
    /** Where the command ran: "host" or a node name. */
    readonly target: string,
    /** A command line that reproduces the failure when pasted into a shell on this machine. */
    readonly command: string,
    readonly exitCode: number,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    const why = tail(stderr) || `exit code ${exitCode}`;
    super(`${what} on ${target} failed (exit ${exitCode}): ${why}\n  command: ${command}`, options);
    this.name = 'CommandError';
  }
}

/** Something the lab needs on this machine is missing; the message names the fix. */
export class PrerequisiteError extends Error {
  constructor(
    readonly missing: string,
    readonly fix: string,
  ) {
    super(`${missing}: ${fix}`);
    this.name = 'PrerequisiteError';
  }
}

/** The command line was wrong; the message quotes the bad value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The cluster state file is missing or does not describe a cluster. */
export class StateError extends Error {
  constructor(
    readonly path: string,
    why: string,
    options?: { cause?: unknown },
  ) {
    super(`cluster state ${path}: ${why}`, options);
    this.name = 'StateError';
  }
}

/** A lab machine did not start; the message carries the last lines of its log. */
export class MachineStartError extends Error {
  constructor(
    readonly machine: string,
    why: string,
    logTail: string,
    options?: { cause?: unknown },
  ) {
    super(`start ${machine} failed: ${why}${logTail ? `\n  its last log lines:\n    ${logTail.split('\n').join('\n    ')}` : ''}`, options);
    this.name = 'MachineStartError';
  }
}

/** The user stopped a command with a signal; the exit code follows the shell's 128 + n. */
export class InterruptedError extends Error {
  readonly exitCode: number;

  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
    this.exitCode = signal === 'SIGINT' ? 130 : 143;
  }
}
