import { describe, expect, it } from 'vitest';
import { checkIfname, parseArgs, readEnv } from './env.ts';
import { CniError } from './errors.ts';

const base = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/run/netns/p', CNI_IFNAME: 'eth0', CNI_PATH: '/a:/b' };

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return (err as CniError).code;
  }
  return undefined;
}

describe('readEnv', () => {
  it('reads a complete ADD environment', () => {
    expect(readEnv({ ...base, CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=pod-1' })).toEqual({
      command: 'ADD',
      containerId: 'c1',
      netns: '/run/netns/p',
      ifname: 'eth0',
      args: { IgnoreUnknown: '1', K8S_POD_NAME: 'pod-1' },
      path: ['/a', '/b'],
    });
  });

  it('lists every missing variable at once', () => {
    expect(() => readEnv({ CNI_COMMAND: 'ADD' })).toThrow('required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH] missing for ADD');
  });

  it('lets DEL go without CNI_NETNS, and GC and STATUS without an attachment', () => {
    expect(readEnv({ ...base, CNI_COMMAND: 'DEL', CNI_NETNS: '' }).netns).toBe('');
    expect(readEnv({ CNI_COMMAND: 'GC', CNI_PATH: '/x' }).command).toBe('GC');
    expect(readEnv({ CNI_COMMAND: 'STATUS', CNI_PATH: '/x' }).command).toBe('STATUS');
  });

  it('rejects bad ids, interface names and args with code 4', () => {
    expect(codeOf(() => readEnv({ ...base, CNI_CONTAINERID: '-x' }))).toBe(4);
    expect(codeOf(() => readEnv({ ...base, CNI_COMMAND: 'add' }))).toBe(4);
    expect(codeOf(() => checkIfname('..'))).toBe(4);
    expect(codeOf(() => checkIfname('a b'))).toBe(4);
    expect(codeOf(() => checkIfname('eth0:1'))).toBe(4);
    expect(codeOf(() => checkIfname('123456789012345'))).toBeUndefined();
    expect(codeOf(() => parseArgs('=x'))).toBe(4);
    expect(parseArgs('A=b=c;')).toEqual({ A: 'b=c' });
  });
});
