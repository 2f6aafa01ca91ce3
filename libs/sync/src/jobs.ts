import type { SyncKind } from '@simgate/store';

/** Typed payloads per job name. */
export type SyncJob =
  | { type: 'sweep'; accountId: string; kind: SyncKind; reason: 'start' | 'schedule' | 'manual' | 'chain' }
  | { type: 'cards'; accountId: string; kind: 'status' | 'usage'; iccids: string[] }
  | { type: 'submit'; operationId: string }
  | { type: 'import'; importId: string };

export const PRIORITY = { manual: 1, chain: 5, schedule: 10 } as const;

export const sweepJobId = (accountId: string, kind: SyncKind) => `sweep:${accountId}:${kind}`;
export const submitJobId = (operationId: string) => `submit:${operationId}`;
export const importJobId = (importId: string) => `import:${importId}`;
