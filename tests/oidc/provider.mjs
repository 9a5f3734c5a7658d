// A real OpenID Connect provider (the npm package oidc-provider) on loopback for tests/test_signin_oidc.py.
// Usage: node provider.mjs PORT REDIRECT_URI[,REDIRECT_URI...]. Prints "ready" when it listens.
// One static confidential client, PKCE required for it, and three test accounts; the login step is a
// small form endpoint (POST /interaction/<uid>/login: login, password) and consent is granted at once.
import http from 'node:http';
import Provider from 'oidc-provider';

const [port, redirectUris] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const PASSWORD = 'test-password';
const ACCOUNTS = {
  alice: { email: 'alice@amt.example', email_verified: true, name: 'Alice Amt', groups: ['kn-admins', 'staff'] },
  bob: { email: 'bob@example.org', email_verified: false, name: 'Bob Unverified', groups: [] },
  carol: { email: 'carol@example.org', email_verified: true, name: 'Carol Verified', groups: ['kn-admins'] },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'kommunalnetz',
    client_secret: 'kommunalnetz-test-secret',
    redirect_uris: redirectUris.split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['kommunalnetz-test-cookie-key'] },
  async findAccount(ctx, id) {
    if (!ACCOUNTS[id]) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...ACCOUNTS[id] }; } };
  },
});

function readForm(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
  });
}

async function grantConsent(req, res, details) {
  const { prompt: { details: missing }, params, session: { accountId } } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST' && req.url.endsWith('/login')) {
    const { login, password } = await readForm(req);
    if (!ACCOUNTS[login] || password !== PASSWORD) {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('wrong login');
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    return;
  }
  if (details.prompt.name === 'consent') {
    await grantConsent(req, res, details);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ uid: details.uid, prompt: details.prompt.name }));
}

const callback = provider.callback();
http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error));
    });
    return;
  }
  callback(req, res);
}).listen(Number(port), '127.0.0.1', () => { console.log('ready'); });
