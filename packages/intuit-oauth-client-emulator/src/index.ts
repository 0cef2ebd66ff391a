// Public face of `intuit-oauth-client-emulator`: re-exports only.
export { startEmulator } from "./server.js";
export { DEFAULT_CLIENT, DEFAULT_COMPANIES, DEFAULT_OAUTH1, DEFAULT_USER } from "./defaults.js";
export { ENDPOINT_NAMES } from "./types.js";
export type {
  ApiStats,
  Company,
  DefaultClientInfo,
  EmulatedEmail,
  EmulatedWebhookEvent,
  EmulatedWebhookOperation,
  Emulator,
  EmulatorClient,
  EmulatorClock,
  EmulatorLogger,
  EmulatorOptions,
  EmulatorUser,
  EndpointName,
  Fault,
  GrantSummary,
  OAuth1Credentials,
  SendWebhookOptions,
  WebhookDelivery,
} from "./types.js";
