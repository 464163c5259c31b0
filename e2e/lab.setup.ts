import { bringUpLab, expect, test as setup } from '../fixtures/setup.ts';

setup('bring up the lab, install the plugin, apply pods.yaml', async () => {
  const { pods, provider, accel } = await bringUpLab();
  setup.info().annotations.push({ type: 'provider', description: provider });
  if (accel) {
    // The qemu provider says whether its VMs run under KVM or software emulation (TCG).
    setup.info().annotations.push({ type: 'acceleration', description: accel });
    console.log(`VM acceleration: ${accel}`);
  }
  expect(pods, 'pods with an address, as podman reports them').toBeGreaterThan(0);
});
