import { SimgateMetrics } from './metrics';

describe('SimgateMetrics', () => {
  it('renders every simgate metric with its labels, without process metrics when asked', async () => {
    const m = new SimgateMetrics({ defaultMetrics: false });
    m.cardsProcessed.inc({ platform: 'p', account: 'a', kind: 'status', result: 'written' }, 3);
    m.rateLimitFactor.set({ platform: 'p', account: 'a' }, 0.5);
    const text = await m.render();
    expect(text).toContain('simgate_sync_cards_processed_total{platform="p",account="a",kind="status",result="written"} 3');
    expect(text).toContain('simgate_rate_limit_factor{platform="p",account="a"} 0.5');
    expect(text).toContain('# TYPE simgate_sync_job_duration_seconds histogram');
    expect(text).not.toContain('simgate_process_');
    for (const line of text.split('\n').filter((l) => l.startsWith('# TYPE'))) expect(line.split(' ')[2]).toMatch(/^simgate_/);
  });

  it('runs collectors before each scrape; a failing collector does not break the scrape', async () => {
    const m = new SimgateMetrics({ defaultMetrics: false });
    let n = 0;
    m.onCollect(async () => {
      throw new Error('store down');
    });
    m.onCollect(async () => {
      m.queueJobs.set({ queue: 'q', state: 'waiting' }, ++n);
    });
    expect(await m.render()).toContain('simgate_queue_jobs{queue="q",state="waiting"} 1');
    expect(await m.render()).toContain('simgate_queue_jobs{queue="q",state="waiting"} 2');
  });

  it('two instances keep separate registries', async () => {
    const a = new SimgateMetrics({ defaultMetrics: false });
    const b = new SimgateMetrics({ defaultMetrics: false });
    a.retries.inc({ platform: 'p', account: 'a', kind: 'status', reason: 'transient' });
    expect(await b.render()).not.toContain('reason="transient"');
    expect(a.contentType).toMatch(/text\/plain/);
  });
});
