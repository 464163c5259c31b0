import { describe, expect, it } from 'vitest';
import { Progress } from './progress.ts';

describe('Progress', () => {
  it('prints one line per step with its time, a note after the title, and ✗ for a failed step', async () => {
    const lines: string[] = [];
    const p = new Progress((l) => lines.push(l));
    expect(await p.step('networks', async () => 2, (n) => `${n} made`)).toBe(2);
    await expect(p.step('machines', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    p.info('cluster lab up');
    expect(lines).toEqual([
      expect.stringMatching(/^✓ networks: 2 made \(\d+\.\d\ds\)$/),
      expect.stringMatching(/^✗ machines \(\d+\.\d\ds\)$/),
      '• cluster lab up',
    ]);
  });
});
