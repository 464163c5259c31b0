import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { NodeTransport } from '../providers/provider.ts';

/** Writes text to a file on a node through the transport's copy (there is no shell to echo into). */
export async function writeNodeFile(node: NodeTransport, remotePath: string, text: string, mode = 0o644): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cni-lab-file-'));
  try {
    const local = join(dir, basename(remotePath));
    await writeFile(local, text, { mode });
    await node.exec(['mkdir', '-p', remotePath.slice(0, remotePath.lastIndexOf('/')) || '/'], { what: `create the directory of ${remotePath}` });
    await node.copy(local, remotePath);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads a file on a node, or undefined when it is not there. */
export async function readNodeFile(node: NodeTransport, remotePath: string): Promise<string | undefined> {
  const res = await node.exec(['cat', remotePath], { what: `read ${remotePath}`, allowFailure: true });
  return res.exitCode === 0 ? res.stdout : undefined;
}
