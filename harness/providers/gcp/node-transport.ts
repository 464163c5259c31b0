import { randomBytes } from 'node:crypto';
import type { ExecResult } from '../../host-exec.ts';
import type { NodeExecOptions, NodeTransport } from '../provider.ts';
import type { SshTarget } from '../ssh/connection.ts';
import { LazySshTransport, type SshTransport } from '../ssh/transport.ts';

/**
 * The node transport of a GCP VM: one SSH connection (ssh2), opened on first use (a failed
 * open is tried again on the next call, which is how `up` waits for a booting VM), as the
 * provider's own user. That user is not root, and install, pods and probes expect root (as in
 * the lab's containers), so commands run under sudo (passwordless for users the guest agent
 * makes from ssh-keys), and copies go to /tmp first, then into place with sudo.
 */
export class GcpNodeTransport implements NodeTransport {
  private readonly lazy: LazySshTransport;

  constructor(
    readonly node: string,
    target: SshTarget,
  ) {
    this.lazy = new LazySshTransport(node, target);
  }

  private ssh(): Promise<SshTransport> {
    return this.lazy.connect();
  }

  /** Runs argv as the login user: the create steps say `sudo` themselves where they need it. */
  async execAsUser(argv: readonly string[], opts?: NodeExecOptions): Promise<ExecResult> {
    return (await this.ssh()).exec(argv, opts);
  }

  async exec(argv: readonly string[], opts?: NodeExecOptions): Promise<ExecResult> {
    return (await this.ssh()).exec(['sudo', ...argv], opts);
  }

  async copy(localPath: string, remotePath: string): Promise<void> {
    const ssh = await this.ssh();
    const tmp = `/tmp/cni-lab-${randomBytes(6).toString('hex')}`;
    try {
      await ssh.copy(localPath, tmp);
      await ssh.exec(['sudo', 'cp', '--preserve=mode', tmp, remotePath], { what: `copy ${localPath} to ${remotePath}` });
    } finally {
      await ssh.exec(['rm', '-f', tmp], { allowFailure: true });
    }
  }

  close(): Promise<void> {
    return this.lazy.close();
  }
}
