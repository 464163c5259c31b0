import { Client, type ConnectConfig } from 'ssh2';

/** Where and how to reach one machine over SSH (an inventory entry, or a VM the lab booted). */
export interface SshTarget {
  host: string;
  port: number;
  user: string;
  privateKey: string | Buffer;
  /** How long to wait for the SSH handshake before giving up. */
  readyTimeoutMs?: number;
  /** The server's public key (the base64 blob of an OpenSSH public key line): any other is refused. */
  hostKey?: string;
  /** Without hostKey: told the key the server offered, which is accepted (to be pinned for later connections). */
  onHostKey?: (key: string) => void;
}

/** The connection could not be opened; the message names the machine and why. */
export class SshConnectError extends Error {
  constructor(
    readonly node: string,
    readonly target: string,
    cause: unknown,
  ) {
    super(`cannot reach ${node} over SSH at ${target}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'SshConnectError';
  }
}

/**
 * Opens one SSH connection to a node, to be kept open: a new connection costs about 1.3 s
 * under TCG emulation (docs/environment.md), every command on an open one a few ms.
 */
export function openSsh(node: string, t: SshTarget): Promise<Client> {
  const client = new Client();
  const config: ConnectConfig = {
    host: t.host,
    port: t.port,
    username: t.user,
    privateKey: t.privateKey,
    readyTimeout: t.readyTimeoutMs ?? 20_000,
    // No keepalive: its timer would keep every process that used a node alive. The transport
    // un-references the socket while no command runs instead (transport.ts).
    keepaliveInterval: 0,
    hostVerifier: (key: Buffer) => {
      if (t.hostKey) return key.equals(Buffer.from(t.hostKey, 'base64'));
      t.onHostKey?.(key.toString('base64'));
      return true;
    },
  };
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve(client));
    // Kept for the connection's life: an error after ready (the peer went away) must not
    // crash the process as an unhandled 'error' event; the commands in flight fail instead.
    client.on('error', (err) => reject(new SshConnectError(node, `${t.user}@${t.host}:${t.port}`, err)));
    client.connect(config);
  });
}
