import { SimgateMetrics } from '@simgate/sync';

export interface DeclaredMetric {
  name: string;
  type: string;
  help: string;
  labels: string[];
}

/** Every metric declared in libs/sync/src/metrics.ts (default process metrics left out), with its labels. */
export function declaredMetrics(): DeclaredMetric[] {
  const m = new SimgateMetrics({ defaultMetrics: false });
  return m.registry.getMetricsAsArray().map((x) => {
    const raw = x as unknown as { name: string; help: string; labelNames?: string[]; constructor: { name: string } };
    return { name: raw.name, help: raw.help, type: raw.constructor.name.toLowerCase(), labels: [...(raw.labelNames ?? [])] };
  });
}
