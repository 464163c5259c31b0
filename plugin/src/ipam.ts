import type { NetConf } from './config.ts';
import type { CniEnv } from './env.ts';
import { CniError, ErrorCode } from './errors.ts';
import { run, runAsync } from './exec.ts';
import { normalizeResult, type Result } from './result.ts';
import { compareVersions, isSupported } from './versions.ts';

/** Finds the IPAM plugin named in ipam.type on CNI_PATH, as libcni's invoke.FindInPath does. */
export function findIpamPlugin(conf: NetConf, env: CniEnv): string {
  const found = Bun.which(conf.ipam.type, { PATH: env.path.join(':') });
  if (found) return found;
  throw new CniError(
    ErrorCode.InvalidConfig,
    `IPAM plugin "${conf.ipam.type}" not found on CNI_PATH (${env.path.join(':')}): install it there or fix "ipam.type"`,
  );
}

/**
 * Runs the IPAM plugin with the same config bytes and environment, overriding the
 * command (and, for GC's clean-up, the attachment). Its own error JSON is passed on.
 */
export async function delegate(
  conf: NetConf,
  env: CniEnv,
  command: string,
  attachment?: { containerId: string; ifname: string },
): Promise<string> {
  const plugin = findIpamPlugin(conf, env);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CNI_COMMAND: command };
  if (attachment) {
    childEnv.CNI_CONTAINERID = attachment.containerId;
    childEnv.CNI_IFNAME = attachment.ifname;
    childEnv.CNI_NETNS = '';
  }
  let out = await runAsync([plugin], { input: conf.raw, env: childEnv });
  if (out.exitCode !== 0 && ipamError(out.stdout)?.code === ErrorCode.IncompatibleVersion) {
    // An older IPAM plugin (host-local 1.1.1 in Debian 12 stops at 1.0.0) gets the config in
    // the newest version both of us speak; its answer is normalised like any other result.
    const common = ipamVersions(conf, env).filter((v) => isSupported(v) && compareVersions(v, conf.cniVersion) <= 0).sort(compareVersions).pop();
    if (common) out = await runAsync([plugin], { input: JSON.stringify({ ...conf.json, cniVersion: common }), env: childEnv });
  }
  if (out.exitCode === 0) return out.stdout;
  const err = ipamError(out.stdout);
  throw new CniError(
    err?.code ?? ErrorCode.CommandFailed,
    `IPAM plugin ${conf.ipam.type} ${command} failed: ${err?.msg ?? (out.stderr.trim() || `exit code ${out.exitCode}`)}`,
    err?.details,
  );
}

function ipamError(stdout: string): { code?: number; msg?: string; details?: string } | undefined {
  try {
    const err = JSON.parse(stdout) as { code?: unknown; msg?: string; details?: string };
    return typeof err.code === 'number' ? (err as { code: number }) : undefined;
  } catch {
    return undefined;
  }
}

export async function ipamAdd(conf: NetConf, env: CniEnv): Promise<Result> {
  const stdout = await delegate(conf, env, 'ADD');
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new CniError(ErrorCode.DecodeFailure, `IPAM plugin ${conf.ipam.type} printed a result that is not JSON`, stdout.slice(0, 500));
  }
  const result = normalizeResult(parsed, `IPAM ${conf.ipam.type} result`);
  if (result.ips.length === 0) {
    throw new CniError(ErrorCode.InvalidConfig, `IPAM plugin ${conf.ipam.type} returned no IP address: check its "ipam" settings`);
  }
  return result;
}

/** The supported versions an IPAM plugin announces, to know whether it takes GC and STATUS. */
export function ipamVersions(conf: NetConf, env: CniEnv): string[] {
  const out = run([findIpamPlugin(conf, env)], { input: JSON.stringify({ cniVersion: conf.cniVersion }), env: { ...process.env, CNI_COMMAND: 'VERSION' } });
  try {
    return (JSON.parse(out.stdout) as { supportedVersions?: string[] }).supportedVersions ?? [];
  } catch {
    return [];
  }
}
