import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
// ssh2 is CommonJS, and Node's named-export detection does not find `utils` in it.
import ssh2 from 'ssh2';

export interface SshKeyPair {
  privateKey: string;
  /** One OpenSSH public key line, "ssh-ed25519 AAAA... comment", as instance metadata ssh-keys wants it. */
  publicKey: string;
}

/** Where the provider keeps the cluster's key: beside its state file, like the kubeconfig. */
export const sshKeyPath = (statePath: string): string => `${dirname(statePath)}/gcp-ssh-key`;
export const kubeconfigPath = (statePath: string): string => `${dirname(statePath)}/kubeconfig`;

/** A new ed25519 key for one cluster, written 0600 (ssh refuses keys others can read). */
export async function newSshKey(path: string, comment: string): Promise<SshKeyPair> {
  const k = ssh2.utils.generateKeyPairSync('ed25519', { comment });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, k.private, { mode: 0o600 });
  await chmod(path, 0o600);
  await writeFile(`${path}.pub`, `${k.public}\n`);
  return { privateKey: k.private, publicKey: k.public.trim() };
}

export const readSshKey = (path: string): Promise<string> => readFile(path, 'utf8');
