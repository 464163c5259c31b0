import { describe, expect, it } from 'vitest';
import { debugLog } from './debug-log.ts';

describe('debugLog', () => {
  it('is on for a matching DEBUG pattern and a no-op otherwise', () => {
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => writes.push(s) > 0) as typeof process.stderr.write;
    try {
      debugLog('exec', 'harness:*')('on');
      debugLog('exec', 'other,harness:exec')('on too');
      debugLog('exec', 'harness:probe')('off');
      debugLog('exec', undefined)('off');
    } finally {
      process.stderr.write = orig;
    }
    expect(writes.map((w) => w.replace(/^\S+ /, ''))).toEqual(['harness:exec on\n', 'harness:exec on too\n']);
  });
});
