import { copyFile, chmod, stat } from 'node:fs/promises';
import { hostExec, type ExecResult } from '../../host-exec.ts';
import type { NodeExecOptions, NodeTransport } from '../provider.ts';

/**
 * The transport to the qemu lab's router and echo host, which are network namespaces on
 * this machine: commands run through `ip netns exec`, and share this machine's files.
 */
export class NetnsTransport implements NodeTransport {
  constructor(
    readonly node: string,
    readonly netns: string,
  ) {}

  exec(argv: readonly string[], opts: NodeExecOptions = {}): Promise<ExecResult> {
    return hostExec(['ip', 'netns', 'exec', this.netns, ...argv], {
      what: `${opts.what ?? argv[0]} on ${this.node}`,
      allowFailure: opts.allowFailure ?? false,
    });
  }

  async copy(localPath: string, remotePath: string): Promise<void> {
    await copyFile(localPath, remotePath);
    await chmod(remotePath, (await stat(localPath)).mode & 0o7777);
  }
}
