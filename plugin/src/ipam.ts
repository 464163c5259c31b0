import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NetConf } from './config.ts';
import type { CniEnv } from './env.ts';
import { CniError, ErrorCode } from './errors.ts';
import { run } from './exec.ts';
import { normalizeResult, type Result } from './result.ts';

/** Finds the IPAM plugin named in ipam.type on CNI_PATH, as libcni's invoke.FindInPath does. */
export function findIpamPlugin(conf: NetConf, env: CniEnv): string {
  for (const dir of env.path) {
    const candidate = join(dir, conf.ipam.type);
    if (existsSync(candidate)) return candidate;
  }
  throw new CniError(
    ErrorCode.InvalidConfig,
    `IPAM plugin "${conf.ipam.type}" not found on CNI_PATH (${env.path.join(':')}): install it there or fix "ipam.type"`,
  );
}

/**
 * Runs the IPAM plugin with the same config bytes and environment, overriding the
 * command (and, for GC's clean-up, the attachment). Its own error JSON is passed on.
 */
export function delegate(
  conf: NetConf,
  env: CniEnv,
  command: string,
  attachment?: { containerId: string; ifname: string },
): string {
  const plugin = findIpamPlugin(conf, env);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CNI_COMMAND: command };
  if (attachment) {
    childEnv.CNI_CONTAINERID = attachment.containerId;
    childEnv.CNI_IFNAME = attachment.ifname;
    childEnv.CNI_NETNS = '';
  }
  const out = run([plugin], { input: conf.raw, env: childEnv });
  if (out.exitCode === 0) return out.stdout;
  let code: number = ErrorCode.CommandFailed;
  let msg = out.stderr.trim() || `exit code ${out.exitCode}`;
  let details: string | undefined;
  try {
    const err = JSON.parse(out.stdout) as { code?: number; msg?: string; details?: string };
    if (typeof err.code === 'number') code = err.code;
    if (err.msg) msg = err.msg;
    details = err.details;
  } catch {
    // not JSON: keep stderr as the message
  }
  throw new CniError(code, `IPAM plugin ${conf.ipam.type} ${command} failed: ${msg}`, details);
}

export function ipamAdd(conf: NetConf, env: CniEnv): Result {
  const stdout = delegate(conf, env, 'ADD');
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
