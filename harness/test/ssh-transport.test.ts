/**
 * The SSH node transport against a real sshd that this test starts on loopback, with a
 * key pair it generates: the transport the qemu and ssh providers will use (issue 6).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError } from '../errors.ts';
import { SshConnectError, openSsh, type SshTarget } from '../providers/ssh/connection.ts';
import { freePort } from '../providers/qemu/vm.ts';
import { removeHostsLine, revertChange } from '../providers/ssh/node-changes.ts';
import { LazySshTransport, SshTransport } from '../providers/ssh/transport.ts';

let dir: string;
let sshd: ChildProcess;
let target: SshTarget;
let transport: SshTransport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cni-lab-sshd-'));
  for (const [file, type] of [['host_key', 'ed25519'], ['client_key', 'ed25519']]) {
    const r = spawnSync('ssh-keygen', ['-q', '-t', type!, '-N', '', '-f', join(dir, file!)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
  }
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'Subsystem sftp internal-sftp',
    ].join('\n') + '\n',
  );
  mkdirSync('/run/sshd', { recursive: true });
  sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let sshdLog = '';
  sshd.stderr!.on('data', (d) => (sshdLog += d));
  target = { host: '127.0.0.1', port, user: 'root', privateKey: readFileSync(join(dir, 'client_key')), readyTimeoutMs: 5_000 };
  // sshd is ready once it accepts a connection: retry until a deadline, never a fixed sleep.
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      transport = new SshTransport('vm-1', await openSsh('vm-1', target), target);
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`sshd did not accept connections: ${(err as Error).message}\n${sshdLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

afterAll(() => {
  transport?.close();
  sshd?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the SSH node transport', () => {
  it('runs argv exactly, whatever characters the arguments hold', async () => {
    const args = ['a b', "it's", '$HOME', '`id`', 'x;y', '*', ''];
    const res = await transport.exec(['printf', '%s\\n', ...args]);
    expect(res.stdout).toBe(args.map((a) => `${a}\n`).join(''));
    expect(res.exitCode).toBe(0);
  });

  it('keeps stdout and stderr apart and returns the exit code when asked to', async () => {
    const res = await transport.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'], { allowFailure: true });
    expect(res).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3 });
  });

  it('throws on a non-zero exit, naming the node and a command that reproduces it', async () => {
    const err = (await transport.exec(['ls', '/no such dir'], { what: 'list' }).catch((e: unknown) => e)) as CommandError;
    expect(err).toBeInstanceOf(CommandError);
    expect(err.message).toMatch(/^list on vm-1 failed \(exit 2\): .*No such file/);
    expect(err.command.startsWith(`ssh -p ${target.port} root@127.0.0.1 -- `)).toBe(true);
    // The printed command, pasted into a shell, fails the same way.
    const pasted = spawnSync('sh', ['-c', err.command.replace(/^ssh /, `ssh -i ${join(dir, 'client_key')} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR `)], { encoding: 'utf8' });
    expect(pasted.status).toBe(2);
  });

  it('copies a file with its mode', async () => {
    const local = join(dir, 'tool.sh');
    writeFileSync(local, '#!/bin/sh\necho copied\n', { mode: 0o750 });
    const remote = join(dir, 'remote-tool.sh');
    await transport.copy(local, remote);
    expect((await transport.exec([remote])).stdout).toBe('copied\n');
    expect(statSync(remote).mode & 0o777).toBe(0o750);
  });

  it('runs 30 commands at once over the one connection, more than the 10 sessions sshd allows', async () => {
    const outs = await Promise.all(Array.from({ length: 30 }, (_, i) => transport.exec(['echo', String(i)])));
    expect(outs.map((o) => o.stdout)).toEqual(Array.from({ length: 30 }, (_, i) => `${i}\n`));
  });

  it('pins the host key: a server presenting another one is refused', async () => {
    const other = readFileSync(join(dir, 'client_key.pub'), 'utf8').split(' ')[1]!;
    const err = await openSsh('vm-1', { ...target, hostKey: other }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshConnectError);
    expect((err as Error).message).toMatch(/cannot reach vm-1 over SSH at root@127\.0\.0\.1:\d+: .*verification failed/i);
    const right = readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ')[1]!;
    const ok = new LazySshTransport('vm-1', { ...target, hostKey: right });
    expect((await ok.exec(['echo', 'pinned'])).stdout).toBe('pinned\n');
    await ok.close();
    // Unpinned: the key the server offered is handed back, for the ssh provider to pin from then on.
    const offered: string[] = [];
    const tofu = new LazySshTransport('vm-1', { ...target, onHostKey: (k) => offered.push(k) });
    expect((await tofu.exec(['true'])).exitCode).toBe(0);
    expect(offered).toEqual([right]);
    await tofu.close();
  });

  it('opens a lazy connection on first use, and again after it dropped', async () => {
    const lazy = new LazySshTransport('vm-1', target);
    const first = await lazy.connect();
    expect((await lazy.exec(['echo', 'one'])).stdout).toBe('one\n');
    first.close();
    await new Promise((r) => setTimeout(r, 200));
    expect((await lazy.exec(['echo', 'two'])).stdout).toBe('two\n');
    expect(await lazy.connect()).not.toBe(first);
    await lazy.close();
  });

  it('names the node and the address when nothing answers', async () => {
    const port = await freePort();
    const err = await openSsh('vm-9', { ...target, port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshConnectError);
    expect((err as Error).message).toBe(`cannot reach vm-9 over SSH at root@127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});

describe("the ssh provider's record of a change, followed back on this machine over SSH", () => {
  it('stops an echo server whose start was recorded but not its pid (an up that crashed in between)', async () => {
    const log = join(dir, 'echo-nping.log');
    const secret = `pending-${process.pid}`;
    spawnSync('sh', ['-c', 'setsid nping --echo-server "$1" --no-crypto --interface lo >"$2" 2>&1 </dev/null &', 'echo', secret, log]);
    const running = () => spawnSync('pgrep', ['-f', `nping --echo-server ${secret}`], { encoding: 'utf8' }).stdout.trim();
    const deadline = Date.now() + 5000;
    while (!running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(running()).not.toBe('');
    await revertChange(transport, { kind: 'echo-server', pid: 0, startTime: '', log });
    const gone = Date.now() + 5000;
    while (running() && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
    expect(running()).toBe('');
    expect(existsSync(log)).toBe(false);
  });

  it("removes the lab's hosts line from a file over the kernel's 128 KiB argument limit, and the newline up added before it", async () => {
    const file = join(dir, 'hosts');
    const line = '198.51.100.10 echo.nmap.org # cni-lab lab';
    const big = Array.from({ length: 40_000 }, (_, i) => `0.0.0.0 ad${i}.example`).join('\n');
    expect(big.length).toBeGreaterThan(128 * 1024);
    const cases: { before: string; after: string; addedNewline: boolean; what: string }[] = [
      { what: 'appended to a large file', before: `${big}\n${line}\n`, after: `${big}\n`, addedNewline: false },
      { what: 'after a last line without newline', before: `127.0.0.1 localhost\n${line}\n`, after: '127.0.0.1 localhost', addedNewline: true },
      { what: 'with lines added after it', before: `a\n${line}\nb\n`, after: 'a\nb\n', addedNewline: true },
      { what: 'already gone', before: 'a\nb', after: 'a\nb', addedNewline: true },
    ];
    for (const c of cases) {
      writeFileSync(file, c.before);
      await removeHostsLine(transport, line, c.addedNewline, file);
      expect(readFileSync(file, 'utf8') === c.after, c.what).toBe(true);
    }
  });
});
