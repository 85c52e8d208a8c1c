// A real OpenID Connect provider (npm oidc-provider) for the tests, on loopback and a free port.
//
//   node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG: {"clients": [{client_id, client_secret, redirect_uris}],
//          "accounts": [{id, email, email_verified, name, amr}]}
// Prints one line of JSON, {"issuer": "http://127.0.0.1:PORT"}, once it listens.
//
// The sign-in page (/interaction/UID) asks for an account id and signs that
// account in; consent is taken as given. For the tests of a provider gone
// wrong, POST /_test/mischief {"mode": ...} makes the next token response
// carry a spoiled ID token: wrong_audience, expired, wrong_nonce,
// wrong_issuer, other_key (signed by a key not in the JWKS, same kid) or
// alg_none (unsigned).
import { readFileSync } from "node:fs";
import http from "node:http";
import * as jose from "jose";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const accounts = new Map(config.accounts.map((a) => [a.id, a]));
const KID = "casework-test-key";
const { privateKey } = await jose.generateKeyPair("RS256", { extractable: true });
const other = await jose.generateKeyPair("RS256", { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: KID, alg: "RS256", use: "sig" };
let mischief = null;

const server = http.createServer();
server.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [signingJwk] },
  cookies: { keys: ["casework-tests-only"] },
  claims: { openid: ["sub", "amr", "acr", "auth_time"], email: ["email", "email_verified"], profile: ["name"] },
  conformIdTokenClaims: false, // the ID token itself carries e-mail and name
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts.get(id);
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: account.email_verified, name: account.name };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
});

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function spoil(idToken, mode) {
  const claims = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  if (mode === "wrong_audience") claims.aud = "another-service";
  if (mode === "expired") Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  if (mode === "wrong_nonce") claims.nonce = "not-the-nonce-that-was-sent";
  if (mode === "wrong_issuer") claims.iss = "http://127.0.0.1:9/";
  if (mode === "alg_none") return `${b64({ alg: "none", typ: "JWT", kid: KID })}.${b64(claims)}.`;
  const key = mode === "other_key" ? other.privateKey : privateKey;
  return new jose.SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: KID, typ: "JWT" }).sign(key);
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === "/token" && mischief && ctx.body && ctx.body.id_token) {
    const mode = mischief;
    mischief = null;
    ctx.body = { ...ctx.body, id_token: await spoil(ctx.body.id_token, mode) };
  }
});

function readBody(req) {
  return new Promise((resolve) => {
    let data = "";
    req.on("data", (chunk) => (data += chunk));
    req.on("end", () => resolve(data));
  });
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const handle = provider.callback();

server.on("request", async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === "/_test/mischief" && req.method === "POST") {
      mischief = JSON.parse(await readBody(req)).mode;
      res.writeHead(204).end();
      return;
    }
    const match = url.pathname.match(/^\/interaction\/([\w-]+)$/);
    if (match && req.method === "GET") {
      const details = await provider.interactionDetails(req, res);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="en"><head><title>Test provider: sign in</title></head><body><main>
<h1>Test provider: sign in</h1><p>Signing in to ${escape(details.params.client_id)}</p>
<form method="post" action="/interaction/${escape(match[1])}">
<label for="login">Account</label> <input id="login" name="login" autocomplete="off">
<button type="submit">Sign in to the provider</button></form></main></body></html>`);
      return;
    }
    if (match && req.method === "POST") {
      const login = new URLSearchParams(await readBody(req)).get("login");
      const account = accounts.get(login);
      const result = account
        ? { login: { accountId: login, ...(account.amr ? { amr: account.amr } : {}) } }
        : { error: "access_denied", error_description: "no such account at the provider" };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    handle(req, res);
  } catch (error) {
    res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
