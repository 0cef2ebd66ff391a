// The package version, sent in every User-Agent. A test keeps it equal to package.json.
export const VERSION = "0.1.0";
