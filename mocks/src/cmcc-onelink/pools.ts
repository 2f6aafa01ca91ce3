import { OneLinkError, kbString, type Row } from './codes';
import { POOL_OFFERING_PREFIX } from './fleet';
import type { OneLinkCards } from './cards';

/** OneLink's pools (流量池): usage, margin and members of a group (the `query/group-*` endpoints). */
export class OneLinkPools {
  constructor(private readonly cards: OneLinkCards) {}

  group(p: Record<string, string>): number {
    if (!p.groupId) throw new OneLinkError('param');
    const block = this.cards.fleet.byGroupId(p.groupId);
    if (block < 0) throw new OneLinkError('unknownGroup');
    return block;
  }

  /** The pool's month-to-date use and its effective total (activated members × per-card plan). */
  poolUsage(block: number): { used: number; total: number; activated: number } {
    const now = this.cards.now();
    const cs = this.cards.fleet.zone.startOfMonth(now);
    let used = 0;
    let activated = 0;
    for (const m of this.cards.fleet.poolMembers(block)) {
      const r = this.cards.fleet.timeline.replay(m, now);
      if (r.state.life === 'ACTIVE' || r.state.life === 'STOPPED') activated++;
      used += r.cycleStart === cs ? r.usedInCycle : 0;
    }
    return { used, total: activated * this.cards.fleet.planBytes(this.cards.fleet.blockPlan(block)), activated };
  }

  groupMargin(block: number): Row {
    const { used, total } = this.poolUsage(block);
    const offering = this.cards.fleet.offering(this.cards.fleet.blockPlan(block));
    return {
      flowPoolSharingInfo: [
        {
          offeringId: 'P' + offering.offeringId,
          offeringName: `${POOL_OFFERING_PREFIX}(${offering.offeringName})`,
          totalAmount: kbString(total),
          useAmount: kbString(used),
          remainAmount: kbString(total - used),
        },
      ],
    };
  }

  groupMembers(p: Record<string, string>): Row {
    const block = this.group(p);
    const pageSize = Number(p.pageSize);
    const startNum = Number(p.startNum);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50 || !Number.isInteger(startNum) || startNum < 1) {
      throw new OneLinkError('param');
    }
    const members = this.cards.fleet.poolMembers(block);
    // `startNum` is the page number from 1 ("开始页，从1开始" in the public OneLink clients), not a record
    // offset (conformance finding; docs/carriers.md, Conformance findings).
    const first = (startNum - 1) * pageSize;
    return {
      total: String(members.length),
      memberList: members.slice(first, first + pageSize).map((i) => this.cards.ids(i)),
    };
  }
}
