import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../args.ts';
import { findCommand, main, usage } from '../main.ts';

describe('the pod commands on the command line', () => {
  it('exec keeps everything after -- for the pod, options of the command included', () => {
    const { command, rest } = findCommand(['exec', 'pod-1', '--name', 'lab', '--', 'my-nping', '--help', '-c', '3']);
    expect(command.name).toBe('exec');
    expect(parseCommandArgs(command.name, command.options, rest)).toEqual({
      values: { name: 'lab' },
      positionals: ['pod-1'],
      after: ['my-nping', '--help', '-c', '3'],
    });
  });

  it('finds the two-word commands, and -f, -o as kubectl spells them', () => {
    const get = findCommand(['get', 'pods', '-o', 'wide']);
    expect(get.command.name).toBe('get pods');
    expect(parseCommandArgs(get.command.name, get.command.options, get.rest).values).toEqual({ output: 'wide' });
    const apply = findCommand(['apply', '-f', 'pods.yaml']);
    expect(parseCommandArgs(apply.command.name, apply.command.options, apply.rest).values).toEqual({ filename: 'pods.yaml' });
    expect(findCommand(['plugin', 'uninstall', '--purge']).command.name).toBe('plugin uninstall');
  });

  it('lists every verb in the usage', () => {
    for (const verb of ['plugin install', 'plugin uninstall', 'apply', 'get pods', 'exec POD -- COMMAND', 'logs POD', 'delete']) {
      expect(usage()).toContain(`  ${verb}`);
    }
  });

  it('refuses exec without a command and apply without -f, before touching any cluster', async () => {
    await expect(main(['exec', 'pod-1'])).rejects.toThrow(/exec: usage: exec POD \[-c CONTAINER\] -- COMMAND/);
    await expect(main(['apply'])).rejects.toThrow(/apply: -f FILE is required/);
    await expect(main(['get', 'pods', '-o', 'yaml'])).rejects.toThrow(/get pods -o "yaml": use wide or json/);
  });
});
