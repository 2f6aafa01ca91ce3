import { Rejected, type CardRef, type CarrierError, type HttpPort, type HttpRequest, type HttpResponse } from '@simgate/core';
import { classify, isOkStatus, requireCredentials } from '../toolkit';
import { errorTable } from './errors';
import { manifest } from './manifest';
import { naturalOrdering, splitCtccKey, strEnc } from './str-enc';
import type { CtccMethod, CtccParams } from './wire';

/**
 * CTCC CMP client: builds signed `GET` requests (carriers.md §3) and hands back answers that carry no
 * platform error. No token: every request carries `user_id`, `passWord = strEnc(password)` and
 * `sign = strEnc(naturalOrdering(signed values))`.
 */

export interface CtccCmpCredentials {
  userId: string;
  password: string;
  /** 9 characters: k1 = 1–3, k2 = 4–6, k3 = 7–9. */
  key: string;
}

/** The card key a request names the card by. */
export interface CtccCardKey {
  name: 'iccid' | 'access_number';
  value: string;
}

/** How the card is named in requests: `iccid` (default; always known) or `access_number` when the ref has one. */
export type CtccCardKeyMode = 'iccid' | 'msisdn';

export function cardKeyOf(ref: CardRef, mode: CtccCardKeyMode = 'iccid'): CtccCardKey {
  if (mode === 'msisdn' && ref.msisdn) return { name: 'access_number', value: ref.msisdn };
  return { name: 'iccid', value: ref.iccid };
}

/** Checks the account's credentials; the message names the field, never its value. */
export function ctccCmpCredentials(credentials: Record<string, string | undefined>): CtccCmpCredentials {
  const { userId, password, key } = requireCredentials(manifest.id, { ...credentials, userId: credentials.userId ?? credentials.user_id }, [
    'userId',
    'password',
    'key',
  ]);
  if (key.length !== 9) {
    throw new Rejected(`${manifest.id}: credentials.key must have 9 characters, got ${key.length}`, { platform: manifest.id });
  }
  return { userId, password, key };
}

/** The values signed for a request: user_id, the plain password, the method, the card key's value, the signed extras. */
export function signedValues(creds: CtccCmpCredentials, method: CtccMethod, cardKey: CtccCardKey | null, params: CtccParams): string[] {
  return [creds.userId, creds.password, method, ...(cardKey ? [cardKey.value] : []), ...Object.values(params.signed)];
}

export function signRequest(creds: CtccCmpCredentials, method: CtccMethod, cardKey: CtccCardKey | null, params: CtccParams): string {
  const [k1, k2, k3] = splitCtccKey(creds.key);
  return strEnc(naturalOrdering(signedValues(creds, method, cardKey, params)), k1, k2, k3);
}

export function encryptPassword(creds: CtccCmpCredentials): string {
  const [k1, k2, k3] = splitCtccKey(creds.key);
  return strEnc(creds.password, k1, k2, k3);
}

/** The whole request, pure: the same inputs always give the same request. */
export function buildCtccRequest(
  baseUrl: string,
  creds: CtccCmpCredentials,
  method: CtccMethod,
  cardKey: CtccCardKey | null,
  params: CtccParams,
): HttpRequest {
  const passWord = encryptPassword(creds);
  const sign = signRequest(creds, method, cardKey, params);
  const query: Record<string, string> = {
    method,
    user_id: creds.userId,
    passWord,
    sign,
    ...(cardKey ? { [cardKey.name]: cardKey.value } : {}),
    ...params.signed,
    ...params.unsigned,
  };
  return {
    method: 'GET',
    url: baseUrl,
    query,
    endpoint: method,
    secrets: [creds.password, creds.key, passWord, sign],
  };
}

/** `code：message` (full-width colon; an ASCII colon is accepted too). */
const PLAIN_ERROR = /^\s*(-?\d+)\s*[：:]\s*([\s\S]*?)\s*$/;

export function parsePlainError(body: string): { code: string; message: string } | null {
  const m = PLAIN_ERROR.exec(body);
  return m ? { code: m[1], message: m[2] } : null;
}

/**
 * The error an answer carries before its payload is read: a plain-text `code：message`, or a non-2xx HTTP
 * status. Null when the body is to be read as JSON or XML.
 */
export function answerError(res: HttpResponse, endpoint: string, secrets: readonly string[]): CarrierError | null {
  const ctx = { endpoint, secrets, httpStatus: res.status };
  const plain = parsePlainError(res.body);
  if (plain) return classify(errorTable, ctx, plain);
  if (isOkStatus(res.status)) return null;
  return classify(errorTable, ctx, { message: res.body.slice(0, 200) });
}

export class CtccCmpClient {
  readonly secrets: readonly string[];

  constructor(
    private readonly http: HttpPort,
    private readonly baseUrl: string,
    private readonly creds: CtccCmpCredentials,
  ) {
    this.secrets = [creds.password, creds.key, encryptPassword(creds)];
  }

  /**
   * One request. Resolves with an answer that is not a platform error (plain-text `code：message` or a
   * non-2xx status reject with the table's class); JSON and XML codes are read by the mappers.
   */
  async call(
    method: CtccMethod,
    cardKey: CtccCardKey | null,
    params: CtccParams = { signed: {}, unsigned: {} },
    opts: { order?: boolean } = {},
  ): Promise<{ res: HttpResponse; secrets: readonly string[] }> {
    const req: HttpRequest = { ...buildCtccRequest(this.baseUrl, this.creds, method, cardKey, params), ...(opts.order ? { order: true } : {}) };
    const secrets = req.secrets ?? this.secrets;
    const res = await this.http.send(req);
    const err = answerError(res, method, secrets);
    if (err) throw err;
    return { res, secrets };
  }
}
