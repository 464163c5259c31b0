import { randomBytes } from 'node:crypto';
import { chmod, copyFile, link, realpath, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ExecResult } from '../../host-exec.ts';
import type { NodeExecOptions, NodeTransport } from '../provider.ts';
import type { SshTarget } from '../ssh/connection.ts';
import { LazySshTransport } from '../ssh/transport.ts';

/** Where each VM mounts the host's share (cni-lab-vm-init). */
export const SHARE_MOUNT = '/run/cni-lab/share';

/**
 * A qemu VM's transport: commands over SSH; copies through the host directory that every VM
 * of the cluster mounts read-only (virtio-9p), then `cp` inside the VM. Under emulation SFTP
 * moves about 9 MB/s into a VM (the plugin is 95 MB: 10 s a node, 20 s for three at once);
 * the share takes about 1 s.
 */
export class QemuNodeTransport implements NodeTransport {
  private readonly ssh: LazySshTransport;

  constructor(
    readonly node: string,
    target: SshTarget,
    private readonly shareDir: string,
  ) {
    this.ssh = new LazySshTransport(node, target);
  }

  exec(argv: readonly string[], opts?: NodeExecOptions): Promise<ExecResult> {
    return this.ssh.exec(argv, opts);
  }

  async copy(localPath: string, remotePath: string): Promise<void> {
    const name = `${randomBytes(6).toString('hex')}-${basename(localPath)}`;
    const staged = join(this.shareDir, name);
    // A hard link costs nothing; across file systems, a copy.
    // (of the file itself: a link to a symbolic link would resolve inside the VM).
    const source = await realpath(localPath);
    await link(source, staged).catch(() => copyFile(source, staged));
    try {
      await chmod(staged, (await stat(localPath)).mode & 0o7777);
      await this.ssh.exec(['cp', '--preserve=mode', `${SHARE_MOUNT}/${name}`, remotePath], { what: `copy ${localPath} to ${remotePath}` });
    } finally {
      await rm(staged, { force: true });
    }
  }

  close(): Promise<void> {
    return this.ssh.close();
  }
}
