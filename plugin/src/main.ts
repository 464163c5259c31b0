/**
 * my-cni-plugin: a bridge CNI plugin. The runtime runs it once per command with CNI_*
 * variables and the network config on stdin; it answers on stdout with a result or an
 * error object, and logs to stderr and its log file, never to stdout.
 */
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
      await print({ cniVersion: CURRENT_VERSION, supportedVersions: SUPPORTED_VERSIONS });
      return 0;
    }
    const raw = await readStdin();
    cniVersion = versionOf(raw) ?? cniVersion;
    const env = readEnv(e);
    const conf = parseConfig(raw);
    log.setFile(conf.logFile);
    log.info(`start netns=${env.netns || '-'} args=${e.CNI_ARGS ?? ''}`);
    switch (env.command) {
      case 'ADD':
        await print(formatResult(await cmdAdd(conf, env, log), conf.cniVersion));
        break;
      case 'DEL':
        await cmdDel(conf, env, log);
        break;
      case 'CHECK':
        await cmdCheck(conf, env);
        break;
      case 'STATUS':
        await cmdStatus(conf, env);
        break;
      case 'GC':
        await cmdGc(conf, env, log);
        break;
    }
    log.info('ok');
    return 0;
  } catch (err) {
    const cni = err instanceof CniError ? err : new CniError(ErrorCode.CommandFailed, (err as Error)?.message ?? String(err));
    log.error(`failed: code ${cni.code}: ${cni.message}${cni.details ? ` (${cni.details})` : ''}`);
    await print(cni.toJSON(cniVersion));
    return 1;
  } finally {
    await log.flush();
  }
}

async function readStdin(): Promise<string> {
  try {
    return await Bun.stdin.text();
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

// Bun's own stdout: process.stdout costs milliseconds of start-up on every call.
const print = async (value: unknown): Promise<void> => {
  await Bun.write(Bun.stdout, JSON.stringify(value) + '\n');
};

void main().then((code) => {
  process.exitCode = code;
});
