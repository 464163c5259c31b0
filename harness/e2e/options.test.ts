import { describe, expect, it } from 'vitest';
import { parseE2eOptions } from './options.ts';

describe('npm run test:e2e options', () => {
  it('defaults to our plugin, two workers, every scenario, the lab taken down', () => {
    expect(parseE2eOptions([], {})).toEqual({ workers: 2, keep: false, provider: 'docker', passThrough: [] });
  });

  it('takes flags, and the same settings from the environment CI sets', () => {
    const flags = parseE2eOptions(['--plugin', 'p', '--config', 'c', '--workers', '4', '--scenario', 'pod-to-pod', '--keep'], {});
    const env = parseE2eOptions([], { CNI_PLUGIN: 'p', CNI_CONFIG: 'c', LAB_WORKERS: '4', SCENARIO: 'pod-to-pod', KEEP: '1' });
    expect(flags).toEqual({ plugin: 'p', config: 'c', workers: 4, scenario: 'pod-to-pod', keep: true, provider: 'docker', passThrough: [] });
    expect(env).toEqual(flags);
  });

  it('lets a flag win over the environment, and passes unknown flags on to playwright', () => {
    const opts = parseE2eOptions(['--workers', '3', '--grep', 'icmp', '--headed'], { LAB_WORKERS: '9' });
    expect(opts).toMatchObject({ workers: 3, passThrough: ['--grep', 'icmp', '--headed'] });
  });

  it('refuses a bad worker count and a plugin without its config, naming the fix', () => {
    expect(() => parseE2eOptions(['--workers', 'two'], {})).toThrow('--workers "two" (or LAB_WORKERS): expected a whole number from 1 to 200');
    expect(() => parseE2eOptions([], { CNI_PLUGIN: '/usr/lib/cni/bridge' })).toThrow('--plugin and --config (CNI_PLUGIN and CNI_CONFIG) go together');
  });
});
