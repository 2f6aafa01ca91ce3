/** Injection tokens of the gateway. */
export const SIMGATE = Symbol('SIMGATE');
export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');

export interface GatewayOptions {
  apiKeys: string[];
  metricsToken: string | null;
}
