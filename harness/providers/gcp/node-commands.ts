import type { GcpSettings } from './settings.ts';

/**
 * What runs on the VMs, as argv. Where a pipe or a redirection is needed, the shell script is
 * a constant and data goes in as its positional parameters ($1, $2): data never becomes
 * shell syntax.
 */
// A fresh VM's unattended-upgrades may hold dpkg's lock for its first minutes: wait for it.
const apt = (...args: string[]): string[] => ['sudo', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', ...args];

/** What the harness needs on a node, as on the lab's node image: nping, ip, iptables, the reference CNI plugins. */
export const NODE_PACKAGES = ['nmap', 'iproute2', 'iptables', 'containernetworking-plugins'];

/**
 * Installing kubeadm, kubelet and kubectl on Debian, after kubernetes.io "Installing kubeadm":
 * containerd with the systemd cgroup driver (kubeadm configures kubelet for systemd since
 * v1.22), br_netfilter and ip_forward (kubeadm preflight checks both), the pkgs.k8s.io
 * repository for one minor version, then the packages, held.
 */
export function kubernetesInstallCommands(s: GcpSettings): { title: string; argv: string[] }[] {
  const repo = `https://pkgs.k8s.io/core:/stable:/${s.kubernetesMinor}/deb`;
  return [
    { title: 'apt-get update', argv: apt('update', '-q') },
    {
      title: 'install containerd and the harness tools',
      argv: apt('install', '-y', '-q', 'containerd', 'conntrack', 'socat', 'curl', 'gpg', 'ca-certificates', ...NODE_PACKAGES),
    },
    {
      title: 'containerd with the systemd cgroup driver',
      argv: ['sudo', 'sh', '-c', 'mkdir -p /etc/containerd && containerd config default | sed "s/SystemdCgroup = false/SystemdCgroup = true/" > /etc/containerd/config.toml && systemctl restart containerd'],
    },
    {
      title: 'br_netfilter and IP forwarding, now and after a reboot',
      argv: ['sudo', 'sh', '-c', 'echo br_netfilter > /etc/modules-load.d/k8s.conf && modprobe br_netfilter && printf "net.ipv4.ip_forward = 1\\nnet.bridge.bridge-nf-call-iptables = 1\\n" > /etc/sysctl.d/k8s.conf && sysctl --system'],
    },
    {
      title: `the pkgs.k8s.io ${s.kubernetesMinor} apt repository`,
      argv: [
        'sudo', 'sh', '-c',
        'mkdir -p -m 755 /etc/apt/keyrings && curl -fsSL "$1/Release.key" | gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg && echo "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] $1/ /" > /etc/apt/sources.list.d/kubernetes.list',
        'sh', repo,
      ],
    },
    { title: 'apt-get update (pkgs.k8s.io)', argv: apt('update', '-q') },
    { title: 'install kubelet, kubeadm, kubectl', argv: apt('install', '-y', '-q', 'kubelet', 'kubeadm', 'kubectl') },
    { title: 'hold kubelet, kubeadm, kubectl', argv: ['sudo', 'apt-mark', 'hold', 'kubelet', 'kubeadm', 'kubectl'] },
  ];
}

/**
 * Every machine runs an nping echo server, as in the lab: the echo VM is the matrix's
 * outside world, the nodes are destinations of pod -> node cells. A transient systemd unit
 * (systemd-run) that restarts on failure; nping 7.93 needs --no-crypto on both sides.
 * CNI_LAB_ECHO_SECRET goes to /etc/environment, which sshd's PAM session reads, so the
 * node's probes (my-nping) find the passphrase as on the lab's nodes.
 */
export function echoServerCommands(secret: string): { title: string; argv: string[] }[] {
  return [
    {
      title: 'echo passphrase for probes from this machine',
      argv: ['sudo', 'sh', '-c', 'echo "CNI_LAB_ECHO_SECRET=$1" >> /etc/environment', 'sh', secret],
    },
    {
      title: 'nping echo server as a systemd unit',
      argv: ['sudo', 'systemd-run', '--unit=cni-lab-echo', '--property=Restart=always', '/usr/bin/nping', '--echo-server', secret, '--no-crypto'],
    },
  ];
}

export function echoHostInstallCommands(): { title: string; argv: string[] }[] {
  return [
    { title: 'apt-get update', argv: apt('update', '-q') },
    { title: 'install nmap (nping)', argv: apt('install', '-y', '-q', 'nmap') },
  ];
}

export const ADMIN_CONF = '/etc/kubernetes/admin.conf';

/** kubectl on the master as root, with the admin kubeconfig kubeadm init wrote. */
export const masterKubectl = (...args: string[]): string[] => ['sudo', 'kubectl', '--kubeconfig', ADMIN_CONF, ...args];
