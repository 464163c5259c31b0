import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { externalKubeconfig } from './kubeconfig.ts';

// The shape of kubeadm's /etc/kubernetes/admin.conf.
const adminConf = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tQ0E=
    server: https://10.0.0.2:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
users:
- name: kubernetes-admin
  user:
    client-certificate-data: LS0tQ0VSVA==
    client-key-data: LS0tS0VZ
`;

describe('externalKubeconfig', () => {
  it('points at the external address, keeps the port and credentials, and verifies the server as "kubernetes"', () => {
    const out = parse(externalKubeconfig(adminConf, '34.1.2.3'));
    const before = parse(adminConf);
    expect(out.clusters[0].cluster.server).toBe('https://34.1.2.3:6443');
    expect(out.clusters[0].cluster['tls-server-name']).toBe('kubernetes');
    expect(out.clusters[0].cluster['certificate-authority-data']).toBe(before.clusters[0].cluster['certificate-authority-data']);
    expect(out.users).toEqual(before.users);
    expect(out['current-context']).toBe(before['current-context']);
  });

  it('refuses output that is not a kubeconfig', () => {
    expect(() => externalKubeconfig('', '34.1.2.3')).toThrow(/no clusters/);
  });
});
