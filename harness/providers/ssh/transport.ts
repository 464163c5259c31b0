import { stat } from 'node:fs/promises';
import type { Client } from 'ssh2';
import { debugLog } from '../../debug-log.ts';
import { CommandError, shellQuote } from '../../errors.ts';
import type { ExecResult } from '../../host-exec.ts';
import type { NodeExecOptions, NodeTransport } from '../provider.ts';
import { openSsh, type SshTarget } from './connection.ts';

const log = debugLog('ssh');

/**
 * The node transport over one open SSH connection (ssh2). SSH hands the remote shell a
 * command line, so argv is quoted here, once, with the same quoting the errors print:
 * data never becomes shell syntax.
 */
export class SshTransport implements NodeTransport {
  /**
   * sshd refuses more than MaxSessions (10 by default) channels at once on one connection
   * ("Channel open failure"): commands beyond this many wait for a free channel.
   */
  static readonly MAX_CHANNELS = 8;
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  /** Commands and copies in flight: the socket keeps the process alive only while there are some. */
  private active = 0;

  constructor(
    readonly node: string,
    private readonly client: Client,
    private readonly target: SshTarget,
  ) {
    this.hold(0);
  }

  /**
   * The connection is kept open for the life of the process, but must not keep the process
   * alive: a CLI command or a test that is done exits without closing it. ssh2 has no API
   * for this, so the net.Socket it connected is (un)referenced directly.
   */
  private hold(delta: 1 | -1 | 0): void {
    this.active += delta;
    const sock = (this.client as unknown as { _sock?: { ref?(): void; unref?(): void } })._sock;
    if (this.active > 0) sock?.ref?.();
    else sock?.unref?.();
  }

  /** A command that reproduces `argv` from this machine, for error messages. */
  pasteable(argv: readonly string[]): string {
    return shellQuote(['ssh', '-p', String(this.target.port), `${this.target.user}@${this.target.host}`, '--', shellQuote(argv)]);
  }

  async exec(argv: readonly string[], opts: NodeExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new TypeError('SshTransport.exec: empty argv');
    return this.withChannel(() => this.run(argv, opts));
  }

  /** Runs one use of a channel (a command, an SFTP session) within MAX_CHANNELS. */
  private async withChannel<T>(use: () => Promise<T>): Promise<T> {
    // `while`: a newcomer may take the slot that woke a waiter before the waiter runs.
    while (this.busy >= SshTransport.MAX_CHANNELS) await new Promise<void>((r) => this.waiting.push(r));
    this.busy++;
    this.hold(1);
    try {
      return await use();
    } finally {
      this.hold(-1);
      this.busy--;
      this.waiting.shift()?.();
    }
  }

  private run(argv: readonly string[], opts: NodeExecOptions): Promise<ExecResult> {
    const what = opts.what ?? argv[0]!;
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      this.client.exec(shellQuote(argv), (err, stream) => {
        if (err) return reject(new CommandError(what, this.node, this.pasteable(argv), 255, err.message, { cause: err }));
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let code: number | null = null;
        let signal: string | undefined;
        stream.on('data', (b: Buffer) => out.push(b));
        stream.stderr.on('data', (b: Buffer) => errOut.push(b));
        stream.on('exit', (c: number | null, s?: string) => {
          code = c;
          signal = s;
        });
        stream.on('close', () => {
          const res: ExecResult = {
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(errOut).toString('utf8') + (signal ? `\nkilled by ${signal}` : ''),
            exitCode: code ?? 255,
          };
          log(`${this.node}: ${shellQuote(argv)} -> exit ${res.exitCode} in ${(performance.now() - t0).toFixed(0)} ms`);
          if (res.exitCode !== 0 && !opts.allowFailure) reject(new CommandError(what, this.node, this.pasteable(argv), res.exitCode, res.stderr));
          else resolve(res);
        });
      });
    });
  }

  /** Copies over SFTP and keeps the file's mode, as the docker transport does. */
  async copy(localPath: string, remotePath: string): Promise<void> {
    const mode = (await stat(localPath)).mode & 0o7777;
    await this.withChannel(() => new Promise<void>((resolve, reject) => {
      this.client.sftp((err, sftp) => {
        const fail = (e: Error) => {
          sftp?.end();
          reject(new CommandError(`copy ${localPath} to ${remotePath}`, this.node, shellQuote(['scp', '-P', String(this.target.port), localPath, `${this.target.user}@${this.target.host}:${remotePath}`]), 1, e.message, { cause: e }));
        };
        if (err) return fail(err);
        sftp.fastPut(localPath, remotePath, (putErr) => {
          if (putErr) return fail(putErr);
          sftp.chmod(remotePath, mode, (chmodErr) => {
            if (chmodErr) return fail(chmodErr);
            sftp.end();
            resolve();
          });
        });
      });
    }));
  }

  close(): void {
    this.client.end();
  }
}

/**
 * A node transport whose SSH connection opens on first use and then stays open; a failed
 * open is tried again by the next call. Providers hand these out from transport(), which
 * cannot wait for a connection.
 */
export class LazySshTransport implements NodeTransport {
  private opening?: Promise<SshTransport>;

  constructor(
    readonly node: string,
    private readonly target: SshTarget,
  ) {}

  connect(): Promise<SshTransport> {
    this.opening ??= openSsh(this.node, this.target).then(
      (client) => {
        // A connection that drops (the peer rebooted, a NAT forgot it) is opened again by the next call.
        client.once('close', () => {
          this.opening = undefined;
        });
        return new SshTransport(this.node, client, this.target);
      },
      (e: unknown) => {
        this.opening = undefined;
        throw e;
      },
    );
    return this.opening;
  }

  async exec(argv: readonly string[], opts?: NodeExecOptions): Promise<ExecResult> {
    return (await this.connect()).exec(argv, opts);
  }

  async copy(localPath: string, remotePath: string): Promise<void> {
    return (await this.connect()).copy(localPath, remotePath);
  }

  async close(): Promise<void> {
    (await this.opening?.catch(() => undefined))?.close();
  }
}
