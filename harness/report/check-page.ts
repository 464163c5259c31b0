/**
 * Opens the matrix page in headless Chromium (Debian's, at /usr/bin/chromium: no browser
 * download), takes a screenshot, and checks what a person would see: every cell rendered,
 * visible and coloured by its status.
 */
import { chromium } from '@playwright/test';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface PageCheck {
  cells: number;
  visible: number;
  byStatus: Record<string, number>;
  screenshot: string;
  problems: string[];
}

export async function checkMatrixPage(htmlFile: string, screenshot: string, expectedIds: string[]): Promise<PageCheck> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(htmlFile).href);
    await page.screenshot({ path: screenshot, fullPage: true });
    const cells = await page.$$eval('td[id]', (tds) =>
      tds.map((td) => {
        const r = td.getBoundingClientRect();
        const bg = getComputedStyle(td).backgroundColor;
        return { id: td.id, status: td.className, visible: r.width > 20 && r.height > 20, coloured: bg !== 'rgba(0, 0, 0, 0)' && bg !== 'rgb(255, 255, 255)' };
      }),
    );
    const problems: string[] = [];
    const shown = new Set(cells.map((c) => c.id));
    for (const id of expectedIds) if (!shown.has(id)) problems.push(`cell ${id} is not on the page`);
    for (const c of cells) {
      if (!c.visible) problems.push(`cell ${c.id} is not visible`);
      if (!c.coloured) problems.push(`cell ${c.id} has no status colour`);
    }
    const byStatus: Record<string, number> = {};
    for (const c of cells) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    return { cells: cells.length, visible: cells.filter((c) => c.visible).length, byStatus, screenshot, problems };
  } finally {
    await browser.close();
  }
}
