import { describe, expect, it } from 'vitest';
import { parseLoaderList, podImageTag } from './pod-image.ts';

describe('the pod image', () => {
  it("takes exactly the libraries nping's loader lists, the loader itself included", () => {
    const out = [
      '\tlinux-vdso.so.1 (0x00007f50b2d58000)',
      '\tlibssl.so.3 => /usr/lib/x86_64-linux-gnu/libssl.so.3 (0x00007f50b2b86000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f50b241e000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f50b2d5a000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f50b241e000)',
    ].join('\n');
    expect(parseLoaderList(out)).toEqual(['/usr/lib/x86_64-linux-gnu/libssl.so.3', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });

  it('is tagged by a hash of its inputs, the same on every call', async () => {
    const tag = await podImageTag();
    expect(tag).toMatch(/^[0-9a-f]{12}$/);
    expect(await podImageTag()).toBe(tag);
  });
});
