// redactText: the last line of defence for bodies kept on errors. Table-driven, exact outputs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { redactText } from "../../src/common/redact.js";

const cases: Array<[string, string, string]> = [
  [
    "a token response",
    '{"access_token":"AT1","refresh_token":"RT1","expires_in":3600}',
    '{"access_token":"[redacted]","refresh_token":"[redacted]","expires_in":3600}',
  ],
  ["spaces around the colon", '{"access_token" : "AT1"}', '{"access_token" : "[redacted]"}'],
  [
    "escaped quotes inside a value",
    '{"refresh_token":"R\\"T1","x":1}',
    '{"refresh_token":"[redacted]","x":1}',
  ],
  [
    "a body truncated inside a value",
    '{"token_type":"bearer","access_token":"AT1-partial',
    '{"token_type":"bearer","access_token":"[redacted]',
  ],
  [
    "camelCase keys",
    '{"accessToken":"AT1","clientSecret":"CS1","idToken":"x"}',
    '{"accessToken":"[redacted]","clientSecret":"[redacted]","idToken":"[redacted]"}',
  ],
  [
    "a form body",
    "grant_type=authorization_code&code=C1&redirect_uri=x",
    "grant_type=authorization_code&code=[redacted]&redirect_uri=x",
  ],
  [
    "a form refresh",
    "grant_type=refresh_token&refresh_token=RT1",
    "grant_type=refresh_token&refresh_token=[redacted]",
  ],
  ["client_secret_post", "client_id=id&client_secret=CS1", "client_id=id&client_secret=[redacted]"],
  ["a query string", "/callback?code=C1&state=s", "/callback?code=[redacted]&state=s"],
  [
    "Bearer and Basic credentials",
    "Authorization: Bearer AT1.x-y Basic aWQ6c2VjcmV0",
    "Authorization: Bearer [redacted] Basic [redacted]",
  ],
  ["a bare JWT", "token eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl end", "token [redacted-jwt] end"],
  [
    "an OAuth error",
    '{"error":"invalid_grant","error_description":"Token invalid"}',
    '{"error":"invalid_grant","error_description":"Token invalid"}',
  ],
  ["a token_type is not a token", '{"token_type":"bearer"}', '{"token_type":"bearer"}'],
  ["empty text", "", ""],
  [
    "a QuickBooks JSON fault keeps its numeric code",
    '{"Fault":{"Error":[{"Message":"AuthenticationFailed","code":"3200"}],"type":"AuthenticationFault"}}',
    '{"Fault":{"Error":[{"Message":"AuthenticationFailed","code":"3200"}],"type":"AuthenticationFault"}}',
  ],
  [
    "a QuickBooks XML fault keeps its code and message",
    '<Fault type="AUTHENTICATION"><Error code="3200"><Message>message=AuthenticationFailed; errorCode=003200</Message></Error></Fault>',
    '<Fault type="AUTHENTICATION"><Error code="3200"><Message>message=AuthenticationFailed; errorCode=003200</Message></Error></Fault>',
  ],
  [
    "a numeric form code",
    "errorCode=003200; code=3200 statusCode=401",
    "errorCode=003200; code=3200 statusCode=401",
  ],
  ["a long numeric JSON code", '{"code":"123456789012"}', '{"code":"[redacted]"}'],
  ["an alphanumeric JSON code", '{"code":"AB11595"}', '{"code":"[redacted]"}'],
  ["an XML-ish token attribute", "<x token=ABC>", "<x token=[redacted]>"],
  [
    "a quoted attribute token",
    '<x access_token="AT1" refresh_token="RT1 more">',
    "<x access_token=[redacted] refresh_token=[redacted]>",
  ],
];

for (const [name, input, expected] of cases) {
  test(`redacts ${name}`, () => {
    assert.equal(redactText(input), expected);
  });
}

test("never throws on odd input", () => {
  for (const s of [
    '"',
    '{"access_token":"',
    "\\",
    "code=",
    "\u0000\uffff",
    '"code":"\\',
    "x".repeat(100_000),
  ]) {
    assert.equal(typeof redactText(s), "string");
  }
});
