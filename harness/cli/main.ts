import { CommandError, InterruptedError, MachineStartError, PrerequisiteError, StateError, UsageError } from '../errors.ts';
import { parseCommandArgs, parseOptions } from './args.ts';
import type { Command } from './command.ts';
import { clusterDown } from './commands/cluster-down.ts';
import { clusterStatus } from './commands/cluster-status.ts';
import { clusterUp } from './commands/cluster-up.ts';
import { apply } from './commands/apply.ts';
import { deletePods } from './commands/delete.ts';
import { exec } from './commands/exec.ts';
import { getPods } from './commands/get-pods.ts';
import { logs } from './commands/logs.ts';
import { pluginInstall } from './commands/plugin-install.ts';
import { pluginUninstall } from './commands/plugin-uninstall.ts';
import { POD_OPTIONS_USAGE } from '../pods/select-runtime.ts';

const COMMANDS: Command[] = [
  clusterUp, clusterDown, clusterStatus, pluginInstall, pluginUninstall, apply, getPods, exec, logs, deletePods,
];

export function usage(): string {
  return [
    'usage: cni-lab <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${`${c.name}${c.args ? ` ${c.args}` : ''}`.padEnd(16)} ${c.summary}`),
    '',
    'cluster options: --name NAME (default lab), --state FILE, --provider docker|qemu|ssh|gcp (default docker)',
    '                 qemu: CNI_LAB_QEMU_ACCEL=kvm|tcg, CNI_LAB_QEMU_BOOT_TIMEOUT (s), CNI_LAB_QEMU_MEMORY (MiB, default 512)',
    '                 ssh: --inventory FILE (the machines; harness/providers/ssh/README.md)',
    'up and down:     --dry-run (print every command, numbered, and run none; gcp only)',
    '                 gcp: --project P (or CLOUDSDK_CORE_PROJECT), --zone Z (or CLOUDSDK_COMPUTE_ZONE; default us-central1-a)',
    'cluster up:      --workers N (default 2), --host-network CIDR (10.0.0.0/16), --pod-network CIDR (200.200.0.0/16),',
    '                 --outside-network CIDR (198.51.100.0/24, the echo host is its .10), --retain (keep a failed up)',
    'plugin install:  --plugin FILE (default dist/my-cni-plugin), --config TEMPLATE (default my-cni-plugin.conf.jsonnet)',
    'plugin uninstall: --purge (also remove its bridge, iptables rules and chains, IPAM store)',
    ...POD_OPTIONS_USAGE,
  ].join('\n');
}

/** Finds the command named by the first words of argv; returns it with the remaining arguments. */
export function findCommand(argv: string[]): { command: Command; rest: string[] } {
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  const given = argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ');
  throw new UsageError(given ? `unknown command ${JSON.stringify(given)}\n\n${usage()}` : usage());
}

export async function main(argv: string[]): Promise<number> {
  // Only before `--`: what follows belongs to the command that exec runs.
  const own = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (own.includes('--help') || own.includes('-h') || argv.length === 0) {
    console.log(usage());
    return 0;
  }
  const { command, rest } = findCommand(argv);
  if (command.args) {
    const { values, positionals, after } = parseCommandArgs(command.name, command.options, rest);
    return command.run(values, { positionals, after });
  }
  return command.run(parseOptions(command.name, command.options, rest), { positionals: [], after: [] });
}

/** Known failures print their message only; anything else keeps its stack for a bug report. */
export function describe(e: unknown): string {
  const known = [CommandError, InterruptedError, MachineStartError, PrerequisiteError, StateError, UsageError].some((k) => e instanceof k);
  if (known) return `cni-lab: ${(e as Error).message}`;
  return `cni-lab: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
}
