import { ensureNodeImage } from '../node-image.ts';
import type { Action } from './action.ts';

export const ensureImage: Action = {
  title: () => 'node image',
  async execute(ctx) {
    const img = await ensureNodeImage();
    ctx.image = img;
    const mb = `${Math.round(img.sizeBytes / 1e6)} MB`;
    return img.built ? `built ${img.tag} in ${img.buildSeconds?.toFixed(1)}s, ${mb}` : `${img.tag} (cached, ${mb})`;
  },
};
