import { CniError, ErrorCode } from './errors.ts';

export const COMMANDS = ['ADD', 'DEL', 'CHECK', 'STATUS', 'GC', 'VERSION'] as const;
export type Command = (typeof COMMANDS)[number];

/** The CNI_* parameters of one invocation, validated. */
export interface CniEnv {
  command: Command;
  containerId: string;
  netns: string;
  ifname: string;
  args: Record<string, string>;
  path: string[];
}

const ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Which variables each command needs (CNI_NETNS is optional for DEL, as the spec says). */
const REQUIRED: Record<Command, string[]> = {
  ADD: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_PATH'],
  CHECK: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_PATH'],
  DEL: ['CNI_CONTAINERID', 'CNI_IFNAME', 'CNI_PATH'],
  GC: ['CNI_PATH'],
  STATUS: ['CNI_PATH'],
  VERSION: [],
};

const invalid = (msg: string): CniError => new CniError(ErrorCode.InvalidEnvironment, msg);

export function parseCommand(value: string | undefined): Command {
  if (!value) {
    throw invalid('CNI_COMMAND is not set: set it to one of ' + COMMANDS.join(', '));
  }
  if (!(COMMANDS as readonly string[]).includes(value)) {
    throw invalid(`unknown CNI_COMMAND "${value}": use one of ${COMMANDS.join(', ')}`);
  }
  return value as Command;
}

/** Reads and checks CNI_* variables; every problem names the variable and the fix. */
export function readEnv(env: NodeJS.ProcessEnv): CniEnv {
  const command = parseCommand(env.CNI_COMMAND);
  const missing = REQUIRED[command].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw invalid(`required env variables [${missing.join(',')}] missing for ${command}: set them as the CNI spec describes`);
  }
  const containerId = env.CNI_CONTAINERID ?? '';
  if (containerId && !ID_PATTERN.test(containerId)) {
    throw invalid(
      `CNI_CONTAINERID "${containerId}" is invalid: it must start with a letter or digit and contain only letters, digits, "_", "." and "-"`,
    );
  }
  const ifname = env.CNI_IFNAME ?? '';
  if (REQUIRED[command].includes('CNI_IFNAME')) checkIfname(ifname);
  return {
    command,
    containerId,
    netns: env.CNI_NETNS ?? '',
    ifname,
    args: parseArgs(env.CNI_ARGS ?? ''),
    path: (env.CNI_PATH ?? '').split(':').filter(Boolean),
  };
}

/** Linux interface names: 1-15 bytes, not "." or "..", no "/", ":" or whitespace. */
export function checkIfname(name: string): void {
  const fix = 'use 1 to 15 characters without "/", ":" or spaces, e.g. eth0';
  if (name === '.' || name === '..' || /[/:\s]/.test(name)) {
    throw invalid(`CNI_IFNAME "${name}" is not a valid interface name: ${fix}`);
  }
  if (Buffer.byteLength(name) > 15) {
    throw invalid(`CNI_IFNAME "${name}" is too long (${Buffer.byteLength(name)} bytes, the kernel allows 15): ${fix}`);
  }
}

/** CNI_ARGS is "K=V;K2=V2". The plugin consumes none of them but rejects a malformed list. */
export function parseArgs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(';').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw invalid(`CNI_ARGS entry "${pair}" is not KEY=VALUE: separate pairs with ";"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
