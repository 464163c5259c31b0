/** CNI spec versions this plugin accepts in a config and can answer in. */
export const SUPPORTED_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
export const CURRENT_VERSION = '1.1.0';

export function isSupported(version: string): boolean {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(version);
}

/** Orders dotted versions numerically: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export const atLeast = (version: string, min: string): boolean => compareVersions(version, min) >= 0;

/** 0.3.x and 0.4.0 results carry `ips[].version`; 1.0.0 removed it. */
export const resultHasIpVersion = (version: string): boolean => !atLeast(version, '1.0.0');
