import nock from 'nock';
import { CarrierHttp } from '../toolkit';
import { caught, useNock } from '../../../../test/support/carrier-specs';
import { platform } from './index';

/**
 * intl-supersim: the unit tier (docs/adding-a-carrier.md, step 10). karrio's four tests per feature — the request
 * built, the URL called, a success parsed, an error parsed — with nock; fixtures at the bottom of the file.
 */
useNock(nock);

const HOST = 'http://intl-supersim.test';
const CREDENTIALS = { username: 'api-user', password: 'api-password' };

function connect(credentials: Record<string, string> = CREDENTIALS) {
  const account = { id: 'intl-supersim-main', platform: 'intl-supersim', baseUrl: `${HOST}/`, credentials };
  const http = new CarrierHttp({ platform: 'intl-supersim' });
  return platform.connect(account, { http, now: () => new Date(0) });
}

describe('intl-supersim', () => {
  it('connects an account under its platform id, and refuses one without credentials', async () => {
    expect(connect().account.platform).toBe('intl-supersim');
    expect((await caught(Promise.resolve().then(() => connect({})))).message).toMatch(/credentials/);
  });

  it.todo('TODO(intl-supersim): inventory — request built, URL called, success parsed, error parsed');
  it.todo('TODO(intl-supersim): cards — request built, URL called, success parsed, error parsed');
  it.todo('TODO(intl-supersim): usage — request built, URL called, success parsed, error parsed');
  it.todo('TODO(intl-supersim): operations — request built, URL called, success parsed, error parsed');
});
