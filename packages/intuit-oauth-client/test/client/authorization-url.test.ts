// The authorization URL (parameter order, state, nonce, PKCE, extra params) and Scopes.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { AuthClient, ConfigurationError, Scopes } from "../../src/index.js";
import { codeChallengeS256 } from "../../src/protocol.js";
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } from "../support/fake-intuit.js";

const client = () =>
  new AuthClient({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    environment: "sandbox",
  });

function params(url: string): Array<[string, string]> {
  return [...new URL(url).searchParams.entries()];
}

describe("getAuthorizationUrl", () => {
  test("puts client_id, response_type, scope, redirect_uri, state in Python's order", () => {
    const c = client();
    const url = c.getAuthorizationUrl([Scopes.Accounting, Scopes.OpenId], { state: "fixed-state" });
    assert.equal(
      url,
      "https://appcenter.intuit.com/connect/oauth2?client_id=ABtestclientid0123456789&response_type=code" +
        "&scope=com.intuit.quickbooks.accounting+openid&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&state=fixed-state",
    );
    assert.deepEqual(params(url), [
      ["client_id", CLIENT_ID],
      ["response_type", "code"],
      ["scope", "com.intuit.quickbooks.accounting openid"],
      ["redirect_uri", REDIRECT_URI],
      ["state", "fixed-state"],
    ]);
    assert.equal(c.stateToken, "fixed-state");
  });

  test("makes a fresh >= 32-byte base64url state on every call and keeps it in stateToken", () => {
    const c = client();
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const url = c.getAuthorizationUrl([Scopes.Accounting]);
      const state = new URL(url).searchParams.get("state")!;
      assert.match(state, /^[A-Za-z0-9_-]+$/);
      assert.ok(Buffer.from(state, "base64url").length >= 32, `state ${state} is shorter than 32 bytes`);
      assert.equal(c.stateToken, state);
      seen.add(state);
    }
    assert.equal(seen.size, 50);
  });

  test("nonce: a given nonce is sent as is, true generates one", () => {
    const c = client();
    const url = c.getAuthorizationUrl(["openid"], { state: "s", nonce: "n-123" });
    assert.deepEqual(params(url).slice(5), [["nonce", "n-123"]]);
    assert.equal(c.nonce, "n-123");
    const req = c.createAuthorizationRequest(["openid"], { nonce: true });
    const sent = new URL(req.url).searchParams.get("nonce");
    assert.equal(sent, req.nonce);
    assert.ok(Buffer.from(sent!, "base64url").length >= 32);
  });

  test("pkce: true sends an S256 challenge of the kept verifier", () => {
    const c = client();
    const req = c.createAuthorizationRequest(["openid"], { state: "s", pkce: true });
    const q = new URL(req.url).searchParams;
    const verifier = req.codeVerifier!;
    assert.match(verifier, /^[A-Za-z0-9_-]{43,128}$/);
    // The server form leaves nothing on the client; the script form keeps it for the callback.
    assert.equal(c.codeVerifier, undefined);
    c.getAuthorizationUrl(["openid"], { pkce: true });
    assert.match(c.codeVerifier ?? "", /^[A-Za-z0-9_-]{43,128}$/);
    assert.equal(q.get("code_challenge"), createHash("sha256").update(verifier).digest("base64url"));
    assert.equal(q.get("code_challenge_method"), "S256");
    // RFC 7636 appendix B.
    assert.equal(
      codeChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  test("without pkce or nonce no such parameter is sent", () => {
    assert.throws(() => client().getAuthorizationUrl(["openid"], { state: "" }), ConfigurationError);
    const url = client().getAuthorizationUrl(["openid"], { state: "s" });
    assert.deepEqual(
      params(url).map(([k]) => k),
      ["client_id", "response_type", "scope", "redirect_uri", "state"],
    );
  });

  test("extra params are appended but cannot override core ones", () => {
    const url = client().getAuthorizationUrl([Scopes.Accounting], {
      state: "good",
      nonce: "real-nonce",
      params: {
        prompt: "login",
        client_id: "evil",
        response_type: "token",
        scope: "evil",
        redirect_uri: "https://evil.example.com",
        state: "evil",
        nonce: "evil",
      },
    });
    assert.deepEqual(params(url), [
      ["client_id", CLIENT_ID],
      ["response_type", "code"],
      ["scope", "com.intuit.quickbooks.accounting"],
      ["redirect_uri", REDIRECT_URI],
      ["state", "good"],
      ["nonce", "real-nonce"],
      ["prompt", "login"],
    ]);
  });

  test("an empty scope list is a ConfigurationError", () => {
    for (const scopes of [[], "", "   "]) {
      assert.throws(
        () => client().getAuthorizationUrl(scopes as never),
        (e: unknown) => e instanceof ConfigurationError && e.message === "At least one scope is required",
      );
    }
  });

  test("malformed scopes are refused", () => {
    for (const bad of ["has space", 'quote"', "back\\slash", 42]) {
      assert.throws(() => client().getAuthorizationUrl([bad as string]), ConfigurationError);
    }
  });

  test("raw scope strings are accepted, alone or mixed with Scopes", () => {
    const url = client().getAuthorizationUrl(["qb.company.read", Scopes.OpenId, "qb.payroll.benefits"], {
      state: "s",
    });
    assert.equal(new URL(url).searchParams.get("scope"), "qb.company.read openid qb.payroll.benefits");
    const single = client().getAuthorizationUrl("com.intuit.quickbooks.accounting openid", { state: "s" });
    assert.equal(new URL(single).searchParams.get("scope"), "com.intuit.quickbooks.accounting openid");
  });
});

describe("Scopes", () => {
  // Platform reference §9, exact wire strings.
  const WIRE: Record<string, string> = {
    Accounting: "com.intuit.quickbooks.accounting",
    Payment: "com.intuit.quickbooks.payment",
    OpenId: "openid",
    Profile: "profile",
    Email: "email",
    Phone: "phone",
    Address: "address",
    IntuitName: "intuit_name",
    Payroll: "com.intuit.quickbooks.payroll",
    PayrollTimetracking: "com.intuit.quickbooks.payroll.timetracking",
    PayrollBenefits: "com.intuit.quickbooks.payroll.benefits",
    PayslipRead: "com.intuit.quickbooks.payroll.payslip.read",
    ProjectManagement: "project-management.project",
    CustomFields: "app-foundations.custom-field-definitions",
    CustomFieldsRead: "app-foundations.custom-field-definitions.read",
    Dimensions: "app-foundations.custom-dimensions.read",
    EmployeeCompensation: "payroll.compensation.read",
    TimeTracking: "time-tracking.time-entry",
    Tax: "indirect-tax.tax-calculation.quickbooks",
    TaxComplianceWorkpapers: "tax-compliance.workpapers",
  };
  const PYTHON: Record<string, string> = {
    ACCOUNTING: "Accounting",
    PAYMENT: "Payment",
    OPENID: "OpenId",
    PROFILE: "Profile",
    EMAIL: "Email",
    PHONE: "Phone",
    ADDRESS: "Address",
    INTUIT_NAME: "IntuitName",
    PAYROLL: "Payroll",
    PAYROLL_TIMETRACKING: "PayrollTimetracking",
    PAYROLL_BENEFITS: "PayrollBenefits",
    PAYSLIP_READ: "PayslipRead",
    PROJECT_MANAGEMENT: "ProjectManagement",
    CUSTOM_FIELDS: "CustomFields",
    CUSTOM_FIELDS_READ: "CustomFieldsRead",
    EMPLOYEE_COMPENSATION: "EmployeeCompensation",
    TAX: "Tax",
  };

  test("has every scope of the platform reference with its exact wire string", () => {
    const s = Scopes as Record<string, string>;
    for (const [name, wire] of Object.entries(WIRE)) assert.equal(s[name], wire, name);
  });

  test("has Python's UPPER_SNAKE names as aliases", () => {
    const s = Scopes as Record<string, string>;
    for (const [py, pascal] of Object.entries(PYTHON)) assert.equal(s[py], WIRE[pascal], py);
  });

  test("has nothing else and is frozen", () => {
    assert.deepEqual(Object.keys(Scopes).sort(), [...Object.keys(WIRE), ...Object.keys(PYTHON)].sort());
    assert.equal(Object.isFrozen(Scopes), true);
  });
});
