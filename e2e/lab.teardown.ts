import { takeDownLab, test as teardown } from '../fixtures/setup.ts';

teardown('take the lab down (unless KEEP=1)', async () => {
  await takeDownLab();
});
