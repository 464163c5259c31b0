import { describe, expect, it } from 'vitest';
import { intOption, parseOptions } from './args.ts';
import { describe as describeError, findCommand, usage } from './main.ts';
import { CommandError, UsageError } from '../errors.ts';

describe('cni-lab command line', () => {
  it('finds the command by its words and keeps the rest for options', () => {
    const { command, rest } = findCommand(['cluster', 'up', '--workers', '10']);
    expect(command.name).toBe('cluster up');
    expect(parseOptions(command.name, command.options, rest)).toMatchObject({ workers: '10' });
  });

  it('names an unknown command and prints the usage', () => {
    expect(() => findCommand(['cluster', 'explode'])).toThrow(/unknown command "cluster explode"[\s\S]*cluster status/);
    expect(usage()).toMatch(/--workers N/);
  });

  it('quotes a bad option and refuses stray arguments', () => {
    const { command } = findCommand(['cluster', 'up']);
    expect(() => parseOptions('cluster up', command.options, ['--wrokers', '3'])).toThrow(/cluster up: .*--wrokers/);
    expect(() => parseOptions('cluster up', command.options, ['now'])).toThrow(/unexpected argument "now"/);
    expect(() => intOption('workers', 'ten', 2)).toThrow(/--workers "ten": expected a whole number/);
    expect(intOption('workers', undefined, 2)).toBe(2);
  });

  it('prints known errors without a stack', () => {
    expect(describeError(new UsageError('bad'))).toBe('cni-lab: bad');
    expect(describeError(new TypeError('bug'))).toMatch(/TypeError: bug\n\s+at /);
  });
});

describe('CommandError', () => {
  it('carries the operation, the node, the exit code, the stderr tail and a pasteable command', () => {
    const e = new CommandError('add pod route', 'my-k8s-master', "docker exec c ip route add 'a b'", 2, 'l1\nl2\nl3\nl4\nl5\nRTNETLINK answers: File exists\n');
    expect(e.message).toBe(
      "add pod route on my-k8s-master failed (exit 2): l2\nl3\nl4\nl5\nRTNETLINK answers: File exists\n  command: docker exec c ip route add 'a b'",
    );
    expect(e).toMatchObject({ target: 'my-k8s-master', exitCode: 2 });
  });
});
