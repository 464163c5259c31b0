import { CniError, ErrorCode } from './errors.ts';
import { commandFailed, run, runAsync, type Output } from './exec.ts';

/** One link as `ip -d -j addr show` prints it (the fields the plugin reads). */
export interface Link {
  ifname: string;
  address: string;
  mtu: number;
  flags: string[];
  master?: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string; info_slave_kind?: string; info_slave_data?: { hairpin?: boolean } };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

export interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
}

/**
 * `ip` on the host, or inside the namespace at `netns`: `ip -n NAME` for a named namespace
 * (runtimes put theirs in /run/netns), nsenter for any other path (/proc/PID/ns/net).
 */
export function ipArgv(args: string[], netns?: string): string[] {
  if (!netns) return ['ip', ...args];
  const named = /^\/(?:var\/)?run\/netns\/([^/]+)$/.exec(netns);
  return named ? ['ip', '-n', named[1]!, ...args] : ['nsenter', `--net=${netns}`, 'ip', ...args];
}

type BatchOutput = Output & { failedLine?: number };

/** Runs several `ip` commands in one process: each spawn costs milliseconds on the ADD path. */
export function ipBatch(lines: string[], opts: { netns?: string; what: string }): BatchOutput {
  return batchOutput(run(ipArgv(['-batch', '-'], opts.netns), { input: lines.join('\n') + '\n' }));
}

/** ipBatch without blocking, so that other commands of the call (IPAM) run meanwhile. */
export async function ipBatchAsync(lines: string[], opts: { netns?: string; what: string }): Promise<BatchOutput> {
  return batchOutput(await runAsync(ipArgv(['-batch', '-'], opts.netns), { input: lines.join('\n') + '\n' }));
}

function batchOutput(out: Output): BatchOutput {
  if (out.exitCode === 0) return out;
  const line = /Command failed -:(\d+)/.exec(out.stderr);
  return { ...out, failedLine: line ? Number(line[1]) : undefined };
}

export function mustIpBatch(lines: string[], opts: { netns?: string; what: string }): void {
  const out = ipBatch(lines, opts);
  if (out.exitCode !== 0) throw commandFailed(opts.what, ipArgv(['-batch', '-'], opts.netns), out, lines.join('\n') + '\n');
}

/** The named link with its addresses, or undefined if it does not exist. */
export function showLink(name: string, netns?: string): Link | undefined {
  const argv = ipArgv(['-d', '-j', 'addr', 'show', 'dev', name], netns);
  const out = run(argv);
  if (out.exitCode !== 0) {
    if (/does not exist/.test(out.stderr)) return undefined;
    throw commandFailed(`reading link ${name}`, argv, out);
  }
  return (parseJson(out.stdout, argv) as Link[])[0];
}

export function listLinks(netns?: string): Link[] {
  const argv = ipArgv(['-d', '-j', 'addr', 'show'], netns);
  const out = run(argv);
  if (out.exitCode !== 0) throw commandFailed('listing links', argv, out);
  return parseJson(out.stdout, argv) as Link[];
}

export function listRoutes(netns?: string): IpRoute[] {
  const argv = ipArgv(['-j', 'route', 'show'], netns);
  const out = run(argv);
  if (out.exitCode !== 0) throw commandFailed('listing routes', argv, out);
  return parseJson(out.stdout, argv) as IpRoute[];
}

/** Deletes a link; a link that is already gone is success (DEL is idempotent). */
export function deleteLink(name: string, netns?: string): boolean {
  const argv = ipArgv(['link', 'del', 'dev', name], netns);
  return deleted(name, argv, run(argv));
}

/** deleteLink without blocking, so that DEL can release the address meanwhile. */
export async function deleteLinkAsync(name: string, netns?: string): Promise<boolean> {
  const argv = ipArgv(['link', 'del', 'dev', name], netns);
  return deleted(name, argv, await runAsync(argv));
}

function deleted(name: string, argv: string[], out: Output): boolean {
  if (out.exitCode === 0) return true;
  if (/Cannot find device|does not exist/.test(out.stderr)) return false;
  throw commandFailed(`deleting link ${name}`, argv, out);
}

function parseJson(text: string, argv: string[]): unknown {
  try {
    return JSON.parse(text || '[]');
  } catch {
    throw new CniError(ErrorCode.CommandFailed, `could not parse the JSON printed by ${argv.join(' ')}`, text.slice(0, 500));
  }
}
