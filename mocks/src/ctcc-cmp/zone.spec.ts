import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { itAnswersTheSameInEveryZone } from '../../../test/support/zones';
import * as scenario from './testing/zone-scenario';

/** CTCC business time is Asia/Shanghai, whatever the zone of the process running the simulator. */
describe('ctcc-cmp under other process time zones', () => {
  const xml = new XMLParser({ parseTagValue: false });
  let reference: Record<string, unknown>;

  beforeAll(async () => {
    reference = await scenario.monthBoundary();
  });

  it('resets traffic at midnight in Shanghai and counts rebinds per Shanghai month (in-process)', () => {
    const after = xml.parse(reference.after as string).root.NEW_DATA_TICKET_QRsp;
    expect(after.ITEM).toEqual({ DATE: '20260401', BYTES_CNT: after.TOTAL_BYTES_CNT });
    const before = xml.parse(reference.before as string).root.NEW_DATA_TICKET_QRsp;
    expect(before.ITEM).toHaveLength(31);
    const byDate = xml.parse(reference.byDate as string).root.NEW_DATA_TICKET_QRsp;
    expect(byDate.ITEM.map((x: { DATE: string }) => x.DATE)).toEqual(['20260330', '20260331', '20260401']);
    expect((reference.rebinds as string[])[2]).toBe('-5：重复订购');
    expect(JSON.parse(reference.rebindNextMonth as string).resultCode).toBe('0');
    const forced = new Date((reference.forceActivateAt as number) + 8 * 3_600_000);
    expect([forced.getUTCDate(), forced.getUTCHours(), forced.getUTCMinutes()]).toEqual([1, 0, 0]);
  });

  // Transaction ids carry the sequence and time; everything else must be byte-identical.
  itAnswersTheSameInEveryZone(path.join(__dirname, 'testing/zone-scenario.ts'), (m: typeof scenario) => m.monthBoundary(), {
    zones: ['America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati', 'Europe/London'], // London is on BST then
    normalize: (answer) => JSON.stringify(answer).replace(/1000000190\d{20}/g, 'TX'),
  });
});
