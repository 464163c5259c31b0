import { UsageError } from '../errors.ts';
import type { Provider } from './provider.ts';
import { DockerProvider } from './docker/provider.ts';
import { GcpProvider } from './gcp/provider.ts';
import { QemuProvider } from './qemu/provider.ts';
import { SshProvider } from './ssh/provider.ts';

const PROVIDERS: Record<string, () => Provider> = {
  docker: () => new DockerProvider(),
  gcp: () => new GcpProvider(),
  qemu: () => new QemuProvider(),
  ssh: () => new SshProvider(),
};

export function providerNames(): string[] {
  return Object.keys(PROVIDERS);
}

export function getProvider(name: string): Provider {
  const make = PROVIDERS[name];
  if (!make) throw new UsageError(`--provider ${JSON.stringify(name)}: known providers are ${providerNames().join(', ')}`);
  return make();
}
