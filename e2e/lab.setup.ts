import { bringUpLab, expect, test as setup } from '../fixtures/setup.ts';

setup('bring up the lab, install the plugin, apply pods.yaml', async () => {
  const { pods } = await bringUpLab();
  expect(pods, 'pods with an address, as podman reports them').toBeGreaterThan(0);
});
