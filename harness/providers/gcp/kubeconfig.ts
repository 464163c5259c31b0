import { parse, stringify } from 'yaml';

interface Kubeconfig {
  clusters?: Array<{ name: string; cluster: Record<string, unknown> }>;
}

/**
 * kubeadm's admin.conf, made usable from this machine: its server is the master's address on
 * the VPC (https://10.0.0.2:6443), which only the VMs reach. It points at the master's
 * external address instead, and names the server `kubernetes` for TLS: the API server's
 * certificate always carries that name, but not the external address (kubeadm init only
 * adds extra ones with --apiserver-cert-extra-sans, and the address is not known before the
 * VM exists). kubectl's tls-server-name exists for exactly this.
 */
export function externalKubeconfig(adminConf: string, externalIp: string): string {
  const config = parse(adminConf) as Kubeconfig;
  if (!config?.clusters?.length) throw new Error('the fetched admin.conf has no clusters');
  for (const c of config.clusters) {
    const server = new URL(String(c.cluster.server));
    c.cluster.server = `https://${externalIp}:${server.port || '443'}`;
    c.cluster['tls-server-name'] = 'kubernetes';
  }
  return stringify(config);
}
