// The Super SIM API client against the simulator's vendor API on loopback: paging, authentication,
// retries on 429 and 5xx, timeouts, and an update's status across the sessions that deliver it.
import { expect } from 'chai';
import { SuperSimClient, VendorApiError, retryAfterMs } from '../../harness/vendor/client.ts';
import { answerWith, CREDENTIALS, ICCID, slowBy, TestApi } from './api-server.ts';

async function rejection(promise: Promise<unknown>): Promise<VendorApiError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'the call fails').to.be.instanceOf(VendorApiError);
  return error as VendorApiError;
}

describe('Super SIM API client', function () {
  this.timeout(20_000);
  let api: TestApi;
  beforeEach(async () => {
    api = await TestApi.start();
  });
  afterEach(() => api.close());

  it('finds the SIM by its ICCID and follows meta.next_page_url through every page, newest first', async () => {
    for (let n = 1; n <= 5; n++) api.ota.stage(ICCID, { packages: [{ name: 'base-settings', version: `1.${n}.0` }] });
    const client = new SuperSimClient(api.config(), { pageSize: 2 });
    const updates = await client.updatesByIccid(ICCID);
    expect(updates.map((u) => u.packages![0]!.version)).to.deep.equal(['1.5.0', '1.4.0', '1.3.0', '1.2.0', '1.1.0']);
    expect(updates.every((u) => u.status === 'scheduled' && /^HS[0-9a-f]{32}$/.test(u.sim_sid!))).to.equal(true);
    expect(api.to('/v1/Sims').map((r) => r.query.get('Iccid'))).to.deep.equal([ICCID]);
    expect(api.to('/v1/SettingsUpdates').map((r) => r.query.get('Page'))).to.deep.equal([null, '1', '2']);
  });

  it('keeps the credentials on the configured host when a next page names another', async () => {
    api.ota.stage(ICCID, { packages: [{ name: 'base-settings', version: '1.0.0' }] });
    api.ahead.push((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ settings_updates: [], meta: { next_page_url: 'https://supersim.twilio.com/v1/SettingsUpdates?Sim=hil-sim&PageSize=50&Page=0' } }));
      return true;
    });
    const updates = await new SuperSimClient(api.config()).settingsUpdates('hil-sim');
    expect(updates).to.have.length(1);
    expect(api.to('/v1/SettingsUpdates').map((r) => r.query.get('Page'))).to.deep.equal([null, '0']);
  });

  it('a wrong secret fails with 401, naming the credentials to check and not their value', async () => {
    const wrong = 'not-the-secret-0000';
    const error = await rejection(new SuperSimClient(api.config(wrong)).updatesByIccid(ICCID));
    expect(error.status).to.equal(401);
    expect(error.message).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1\/Sims answered 401 Unauthorized \(Authenticate\): check TWILIO_API_KEY and TWILIO_API_SECRET$/);
    expect(error.message).not.to.contain(wrong);
    expect(error.message).not.to.contain(CREDENTIALS.password);
    expect(api.requests, 'a 401 is not retried').to.have.length(1);
  });

  it('an ICCID the account does not have says so', async () => {
    const error = await rejection(new SuperSimClient(api.config()).updatesByIccid('89883070000099999999'));
    expect(error.message).to.match(/knows no Super SIM with ICCID 89883070000099999999 on this account: check the ICCID and that TWILIO_API_KEY and TWILIO_API_SECRET belong/);
  });

  it('waits as long as a 429 Retry-After asks before trying again', async () => {
    api.ahead.push(answerWith(429, { 'retry-after': '1' }));
    // A backoff far shorter than the second the server asks for: only Retry-After explains the wait.
    const updates = await new SuperSimClient(api.config(), { backoffMs: 5 }).updatesByIccid(ICCID);
    expect(updates).to.deep.equal([]);
    const [refused, retried] = api.to('/v1/Sims');
    expect(retried, 'retried after the 429').to.not.equal(undefined);
    expect(retried!.at - refused!.at).to.be.at.least(950);
  });

  it('rides out a burst of 5xx answers, and gives up after its tries naming the last answer', async () => {
    api.ahead.push(answerWith(503), answerWith(500), answerWith(502));
    expect(await new SuperSimClient(api.config(), { backoffMs: 5, attempts: 4 }).updatesByIccid(ICCID)).to.deep.equal([]);
    expect(api.to('/v1/Sims')).to.have.length(4);

    api.ahead.push(answerWith(503), answerWith(503), answerWith(503));
    const error = await rejection(new SuperSimClient(api.config(), { backoffMs: 5, attempts: 3 }).updatesByIccid(ICCID));
    expect(error.message).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1\/Sims: 503 Service Unavailable, 3 tries; check HIL_SUPERSIM_API \(http:\/\/127\.0\.0\.1:\d+\)/);
  });

  it('times out a server slower than its timeout, and retries', async () => {
    api.ahead.push(slowBy(3_000), slowBy(3_000));
    const error = await rejection(new SuperSimClient(api.config(), { timeoutMs: 300, backoffMs: 5, attempts: 2 }).updatesByIccid(ICCID));
    expect(error.message).to.match(/\/v1\/Sims: no answer within 0\.3 s, 2 tries/);
    expect(api.to('/v1/Sims')).to.have.length(2);
  });

  it("shows an update scheduled, in progress, then successful across the sessions that deliver its blocks", async () => {
    const staged = api.ota.stage(ICCID, { packages: [{ name: 'operator-settings', version: '2' }], blocks: 3 });
    const client = new SuperSimClient(api.config());
    const status = async () => (await client.updatesByIccid(ICCID))[0]!;
    const seen = [(await status()).status];
    for (let block = 1; block <= 3; block++) {
      api.ota.handle(Buffer.from(JSON.stringify({ iccid: ICCID, block })));
      seen.push((await status()).status);
    }
    expect(seen).to.deep.equal(['scheduled', 'in-progress', 'in-progress', 'successful']);
    const done = await status();
    expect(done.sid).to.equal(staged.sid);
    expect(done.date_completed).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(retryAfterMs('2')).to.equal(2000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).to.equal(5000);
    expect(retryAfterMs(null)).to.equal(undefined);
    expect(retryAfterMs('soon')).to.equal(undefined);
  });
});
