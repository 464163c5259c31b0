/**
 * my-cni-plugin: a bridge CNI plugin. The runtime runs it once per command with CNI_*
 * variables and the network config on stdin; it answers on stdout with a result or an
 * error object, and logs to stderr and its log file, never to stdout.
 */
import { readFileSync } from 'node:fs';
import { cmdAdd } from './commands/add.ts';
import { cmdCheck } from './commands/check.ts';
import { cmdDel } from './commands/del.ts';
import { cmdGc } from './commands/gc.ts';
import { cmdStatus } from './commands/status.ts';
import { parseConfig } from './config.ts';
import { parseCommand, readEnv } from './env.ts';
import { CniError, ErrorCode } from './errors.ts';
import { Logger } from './log.ts';
import { formatResult } from './result.ts';
import { CURRENT_VERSION, SUPPORTED_VERSIONS, isSupported } from './versions.ts';

async function main(): Promise<number> {
  const e = process.env;
  const log = new Logger(`${e.CNI_COMMAND ?? '-'} cid=${e.CNI_CONTAINERID ?? '-'} if=${e.CNI_IFNAME ?? '-'}`);
  let cniVersion = CURRENT_VERSION;
  try {
    // VERSION does not read stdin: a runtime may not close it (the Go skel does the same).
    if (parseCommand(e.CNI_COMMAND) === 'VERSION') {
      print({ cniVersion: CURRENT_VERSION, supportedVersions: SUPPORTED_VERSIONS });
      return 0;
    }
    const raw = readStdin();
    cniVersion = versionOf(raw) ?? cniVersion;
    const env = readEnv(e);
    const conf = parseConfig(raw);
    log.setFile(conf.logFile);
    log.info(`start netns=${env.netns || '-'} args=${e.CNI_ARGS ?? ''}`);
    switch (env.command) {
      case 'ADD':
        print(formatResult(await cmdAdd(conf, env, log), conf.cniVersion));
        break;
      case 'DEL':
        await cmdDel(conf, env, log);
        break;
      case 'CHECK':
        cmdCheck(conf, env);
        break;
      case 'STATUS':
        cmdStatus(conf, env);
        break;
      case 'GC':
        cmdGc(conf, env, log);
        break;
    }
    log.info('ok');
    return 0;
  } catch (err) {
    const cni = err instanceof CniError ? err : new CniError(ErrorCode.CommandFailed, (err as Error)?.message ?? String(err));
    log.error(`failed: code ${cni.code}: ${cni.message}${cni.details ? ` (${cni.details})` : ''}`);
    print(cni.toJSON(cniVersion));
    return 1;
  }
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (err) {
    throw new CniError(ErrorCode.IoFailure, `cannot read the network config from stdin: ${(err as Error).message}`);
  }
}

/** The config's version if it is one we speak, so that even an early error answers in it. */
function versionOf(raw: string): string | undefined {
  try {
    const v = (JSON.parse(raw) as { cniVersion?: unknown }).cniVersion;
    return typeof v === 'string' && isSupported(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const print = (value: unknown): void => {
  process.stdout.write(JSON.stringify(value) + '\n');
};

void main().then((code) => {
  process.exitCode = code;
});
