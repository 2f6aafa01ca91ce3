// The e2e project's setup: gateways check every answer against its route's zod spec (apps/gateway/src/common/contract.ts).
process.env.SIMGATE_CONTRACT_CHECK = 'true';
