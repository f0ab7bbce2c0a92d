import packageJson from "../../package.json" with { type: "json" };

/** The runtime package version `loomcycle version` prints. */
export const RUNTIME_VERSION: string = packageJson.version;
