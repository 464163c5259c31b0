import { CELL_ATTACHMENT, expect, judge, plannedCells, probe, test, type CellResult } from '../fixtures/index.ts';

for (const listed of plannedCells()) {
  test(listed.id, async ({ lab, live, involvedNodes }, testInfo) => {
    const cell = live.get(listed.id);
    expect(cell, `cell ${listed.id} is not on the live lab: pods or nodes differ from the plan`).toBeDefined();
    if (!cell) return;
    const result: CellResult = { cell, status: 'skipped', reason: cell.skipped ?? '', attempts: testInfo.retry + 1 };
    if (cell.skipped) {
      await testInfo.attach(CELL_ATTACHMENT, { body: JSON.stringify(result), contentType: 'application/json' });
      test.skip(true, cell.skipped);
      return;
    }
    for (const n of [cell.source.node, cell.destination.node]) if (n) involvedNodes.add(n);
    const { observation, command, raw } = await probe(cell, lab.run.secret, lab);
    const { verdict, reason } = judge(cell, observation);
    Object.assign(result, { status: verdict, reason, observation, command, raw });
    await testInfo.attach(CELL_ATTACHMENT, { body: JSON.stringify(result), contentType: 'application/json' });
    await testInfo.attach('nping', { body: `$ ${command}\n${raw}`, contentType: 'text/plain' });
    expect(verdict, reason).toBe('passed');
  });
}
