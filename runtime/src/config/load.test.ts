import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../domain/index.ts";
import { loadConfig } from "./load.ts";
import type { LoadConfigOptions } from "./load.ts";

let root: string;
let home: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-config-"));
  home = join(root, "home");
  mkdirSync(home);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(relative: string, text: string): string {
  const path = join(root, relative);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function load(options: Partial<LoadConfigOptions> = {}): ReturnType<typeof loadConfig> {
  return loadConfig({ cwd: root, ...options, env: { HOME: home, ...options.env } });
}

function loadError(options: Partial<LoadConfigOptions> = {}): AppError {
  try {
    load(options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("CONFIG_INVALID");
    return error as AppError;
  }
  throw new Error("loadConfig did not throw");
}

const ECHO = "provider: mock\n    model: mock-echo";

describe("loadConfig", () => {
  it("starts from defaults with the builtin default agent when nothing is configured", () => {
    const config = load();
    expect(config.configFile).toBeNull();
    expect(config.agentsDir).toBeNull();
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 8787 });
    expect(config.baseUrl).toBe("http://127.0.0.1:8787");
    expect(config.dataDir).toBe(join(home, ".local", "share", "loomcycle"));
    expect(config.databaseUrl).toBeNull();
    expect(config.limits).toEqual({ maxRequestBytes: 16 * 1024 * 1024, sseKeepaliveMs: 20_000, toolParallelism: 8, maxConcurrentRuns: 256 });
    expect(config.logLevel).toBe("info");
    expect(config.agents.map((agent) => [agent.name, agent.source])).toEqual([["default", "builtin"]]);
    expect(config.agents[0]).toMatchObject({ provider: "mock", model: "mock-echo", system_prompt: "You are a helpful assistant." });
  });

  it("returns a deeply frozen config", () => {
    const config = load();
    expect(() => {
      (config as { dataDir: string }).dataDir = "/elsewhere";
    }).toThrow(TypeError);
    expect(() => {
      (config.listen as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => (config.agents as unknown[]).push({})).toThrow(TypeError);
  });

  it("reports a yaml type error with file:line:col and the dotted field path", () => {
    const file = write("loomcycle.yaml", `agents:\n  helper:\n    ${ECHO}\n    max_iterations: lots\n`);
    const error = loadError();
    expect(error.message).toContain(`${file}:5:21: agents.helper.max_iterations: expected number, got string`);
  });

  it("reports every problem in one error", () => {
    write("loomcycle.yaml", `agents:\n  a:\n    ${ECHO}\n    max_tokens: -1\n  b:\n    ${ECHO}\n    tools: Read\n`);
    const error = loadError({ env: { LOOMCYCLE_TOOL_PARALLELISM: "0" } });
    expect(error.message).toContain("(3 problems)");
    expect(error.message).toContain("agents.a.max_tokens");
    expect(error.message).toContain("agents.b.tools");
    expect(error.message).toContain("LOOMCYCLE_TOOL_PARALLELISM: expected a positive integer");
  });

  it("reports a YAML syntax error with its line", () => {
    const file = write("loomcycle.yaml", "agents:\n  helper:\n    provider: mock\n   model: [unclosed\n");
    const error = loadError();
    expect(error.message).toMatch(new RegExp(`${file}:4:\\d+: YAML syntax error`));
  });

  it("resolves volumes to real paths beside the config file, read-only by default", () => {
    mkdirSync(join(root, "data", "real"), { recursive: true });
    symlinkSync(join(root, "data", "real"), join(root, "data", "alias"));
    write("loomcycle.yaml", "volumes:\n  work:\n    path: ./data/alias\n    read_only: false\n  docs:\n    path: data/real\n");
    const config = load();
    const real = realpathSync(join(root, "data", "real"));
    expect(config.volumes).toEqual([
      { name: "work", root: real, readOnly: false },
      { name: "docs", root: real, readOnly: true },
    ]);
  });

  it("lets agents name volumes in yaml and markdown, warning about a name that is not configured", () => {
    write("loomcycle.yaml", `volumes:\n  work:\n    path: .\nagents:\n  helper:\n    ${ECHO}\n    volumes: [work, nope]\n    allowed_hosts: [a.com]\n`);
    const config = load();
    expect(config.agents.find((agent) => agent.name === "helper")).toMatchObject({ volumes: ["work", "nope"], allowed_hosts: ["a.com"] });
    expect(config.warnings).toContain('agent "helper" names volume "nope", which is not configured under volumes: (ignored)');
  });

  it("refuses a volume whose directory does not exist, or a bad volume name", () => {
    write("loomcycle.yaml", "volumes:\n  work:\n    path: ./missing\n  Bad!:\n    path: .\n");
    const error = loadError();
    expect(error.message).toContain("volumes.work.path");
    expect(error.message).toContain("volumes.Bad!");
  });

  it("reads the network floor: no hosts by default, comma lists from the environment", () => {
    expect(load().network).toEqual({ hostAllowlist: [], privateHostAllowlist: [], searxngUrl: null });
    expect(load().bash).toEqual({ enabled: false });
    expect(load({ env: { LOOMCYCLE_BASH_ENABLED: "1" } }).bash).toEqual({ enabled: true });
    const env = { LOOMCYCLE_HTTP_HOST_ALLOWLIST: " Example.com, *,", LOOMCYCLE_HTTP_PRIVATE_HOST_ALLOWLIST: "intranet.local" };
    expect(load({ env }).network).toMatchObject({ hostAllowlist: ["example.com", "*"], privateHostAllowlist: ["intranet.local"] });
  });

  it("warns about loomcycle keys and agent fields it does not support yet", () => {
    const file = write("loomcycle.yaml", `mcp_servers:\n  x: {}\nagents:\n  helper:\n    ${ECHO}\n    memory_backend: remote\n`);
    const config = load();
    expect(config.configFile).toBe(file);
    expect(config.warnings).toContain(`${file}: key \`mcp_servers\` is not supported yet and is ignored`);
    expect(config.warnings).toContain(`${file}:7:5: agents.helper.memory_backend: field is not supported yet and is ignored`);
  });

  it("puts the builtin default agent on the first provider whose key is set, and says why", () => {
    const none = load();
    expect(none.agents.find((agent) => agent.name === "default")).toMatchObject({ provider: "mock", model: "mock-echo" });
    expect(none.defaultAgent).toContain("mock provider: no provider key is set");
    const keyed = load({ env: { GEMINI_API_KEY: "g-secret", DEEPSEEK_API_KEY: "d-secret" } });
    expect(keyed.agents.find((agent) => agent.name === "default")).toMatchObject({ provider: "gemini", model: "gemini-2.5-flash" });
    expect(keyed.defaultAgent).toBe("default agent on gemini/gemini-2.5-flash: GEMINI_API_KEY is set");
    expect(JSON.stringify(keyed)).not.toContain("secret");
  });

  it("builds provider endpoints from the SDK variables, with config taking precedence", () => {
    write("loomcycle.yaml", "providers:\n  openai:\n    driver: openai\n    base_url: http://proxy.local/v1\n  vllm:\n    driver: openai\n    base_url: http://gpu:8000/v1\n");
    const config = load({ env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://ignored/v1", OLLAMA_HOST: "http://box:11434" } });
    const byId = Object.fromEntries(config.providerEndpoints.map((endpoint) => [endpoint.id, endpoint]));
    expect(byId["openai"]).toEqual({ id: "openai", driver: "openai", baseUrl: "http://proxy.local/v1", apiKeyEnv: "OPENAI_API_KEY", enabled: true });
    expect(byId["vllm"]).toMatchObject({ driver: "openai", baseUrl: "http://gpu:8000/v1", apiKeyEnv: null, enabled: true });
    expect(byId["ollama-local"]).toMatchObject({ baseUrl: "http://box:11434", enabled: true });
    expect(byId["anthropic"]).toMatchObject({ enabled: false });
  });

  it("resolves model aliases in tiers and builds user tiers over the library tiers", () => {
    write(
      "loomcycle.yaml",
      [
        "models:",
        "  fast: { provider: openai, model: gpt-mini }",
        "provider_priority: [anthropic, openai]",
        "tiers:",
        "  low: [fast, { provider: anthropic, model: haiku }]",
        "user_tiers:",
        "  premium: { retry_attempts: 4, fallback_on_error: false }",
        "agents:",
        "  cheap: { tier: low }",
      ].join("\n"),
    );
    const config = load();
    expect(config.routing.userTiers["premium"]).toMatchObject({
      retryAttempts: 4,
      fallbackOnError: false,
      providerPriority: ["anthropic", "openai"],
      tiers: { low: [{ provider: "openai", model: "gpt-mini" }, { provider: "anthropic", model: "haiku" }] },
    });
    expect(config.routing.userTiers["default"]).toMatchObject({ retryAttempts: 2, fallbackOnError: true });
    expect(config.agents.find((agent) => agent.name === "cheap")).toMatchObject({ tier: "low" });
  });

  it("refuses an unknown alias in a tier, and an agent with both a pin and a tier, at their lines", () => {
    const file = write("loomcycle.yaml", "tiers:\n  low: [nope]\nagents:\n  both: { provider: mock, model: mock-echo, tier: low }\n");
    const message = loadError().message;
    expect(message).toContain(`${file}:2:9: tiers.low.0: unknown model alias "nope"; define it under models:`);
    expect(message).toContain(`${file}:4:3: agents.both: set either provider and model, or tier, not both`);
  });

  it("names an explicitly given config file that does not exist", () => {
    const error = loadError({ flags: { config: "missing.yaml" } });
    expect(error.message).toContain(`--config: config file not found: ${join(root, "missing.yaml")}`);
    expect(loadError({ env: { LOOMCYCLE_CONFIG_FILE: "/nope.yaml" } }).message).toContain("LOOMCYCLE_CONFIG_FILE: config file not found: /nope.yaml");
  });

  it("discovers the config under XDG_CONFIG_HOME and its agents dir beside it", () => {
    const file = write("xdg/loomcycle/loomcycle.yaml", "providers: {}\n");
    write("xdg/loomcycle/agents/writer.md", "---\nprovider: mock\nmodel: mock-echo\n---\nWrite.\n");
    const config = load({ env: { XDG_CONFIG_HOME: join(root, "xdg") } });
    expect(config.configFile).toBe(file);
    expect(config.agentsDir).toBe(join(root, "xdg", "loomcycle", "agents"));
    expect(config.agents.map((agent) => agent.name)).toEqual(["default", "writer"]);
  });

  it("reads markdown agents: frontmatter fields, comma-separated tools, body as system prompt", () => {
    write("agents/researcher.md", "---\nname: researcher\ndescription: Looks things up\nprovider: mock\nmodel: mock-tools\ntools: Context, Read\nmax_iterations: 8\n---\n\nYou are careful.\n\n");
    const config = load({ flags: { agentsDir: "agents" } });
    expect(config.agents.find((agent) => agent.name === "researcher")).toMatchObject({
      name: "researcher",
      description: "Looks things up",
      provider: "mock",
      model: "mock-tools",
      tools: ["Context", "Read"],
      max_iterations: 8,
      max_tokens: 0,
      system_prompt: "You are careful.",
      source: "file",
    });
  });

  it("refuses a markdown agent whose frontmatter name differs from its file name", () => {
    const file = write("agents/writer.md", "---\ndescription: x\nname: author\nprovider: mock\nmodel: mock-echo\n---\nWrite.\n");
    const error = loadError({ env: { LOOMCYCLE_AGENTS_ROOT: join(root, "agents") } });
    expect(error.message).toContain(`${file}:3:7: agents.writer.name: frontmatter name "author" must equal the file name "writer"`);
  });

  it("reports a markdown frontmatter type error with the file line", () => {
    const file = write("agents/writer.md", "---\nprovider: mock\nmodel: mock-echo\nmax_tokens: many\n---\nWrite.\n");
    const error = loadError({ flags: { agentsDir: join(root, "agents") } });
    expect(error.message).toContain(`${file}:4:13: agents.writer.max_tokens`);
  });

  it("overlays a yaml agent over the markdown agent of the same name, field by field", () => {
    write("loomcycle.yaml", "agents:\n  writer:\n    model: mock-tools\n    tools: []\n    max_tokens: 512\n");
    write("agents/writer.md", "---\ndescription: Writes\nprovider: mock\nmodel: mock-echo\ntools: Context\n---\nWrite well.\n");
    const writer = load().agents.find((agent) => agent.name === "writer");
    expect(writer).toMatchObject({
      name: "writer",
      description: "Writes",
      provider: "mock",
      model: "mock-tools",
      tools: [],
      max_iterations: 0,
      max_tokens: 512,
      system_prompt: "Write well.",
      source: "file",
    });
  });

  it("keeps a configured default agent instead of the builtin one", () => {
    write("loomcycle.yaml", `agents:\n  default:\n    ${ECHO}\n    system_prompt: Mine.\n`);
    const agents = load().agents;
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatchObject({ name: "default", source: "config", system_prompt: "Mine." });
  });

  it("names an agent that has no provider or model", () => {
    const file = write("loomcycle.yaml", "agents:\n  lonely:\n    description: no model\n");
    expect(loadError().message).toContain(`${file}:2:3: agents.lonely: set provider and model`);
  });

  it("reads the environment and lets flags override it", () => {
    const config = load({
      env: {
        LOOMCYCLE_LISTEN_ADDR: "0.0.0.0:9000",
        LOOMCYCLE_DATA_DIR: "data",
        LOOMCYCLE_PG_DSN: "postgresql://db/loomcycle",
        LOOMCYCLE_MOCK_FAIL_RATE: "0.25",
        LOOMCYCLE_LOG_LEVEL: "debug",
        LOOMCYCLE_OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
        ANTHROPIC_API_KEY: "sk-secret",
        OPENAI_API_KEY: "",
      },
      flags: { port: 9100 },
    });
    expect(config.listen).toEqual({ host: "0.0.0.0", port: 9100 });
    expect(config.baseUrl).toBe("http://127.0.0.1:9100");
    expect(config.dataDir).toBe(join(root, "data"));
    expect(config.databaseUrl).toBe("postgresql://db/loomcycle");
    expect(config.mock).toEqual({ latencyMs: 0, failRate: 0.25 });
    expect(config.logLevel).toBe("debug");
    expect(config.otel).toEqual({ endpoint: "http://collector:4318", serviceName: "loomcycle" });
    expect(config.providerKeysPresent).toMatchObject({ ANTHROPIC_API_KEY: true, OPENAI_API_KEY: false, GEMINI_API_KEY: false });
    expect(JSON.stringify(config)).not.toContain("sk-secret");
  });

  it("checks the key variables named by providers.*.api_key_env", () => {
    write("loomcycle.yaml", "providers:\n  corp:\n    driver: openai\n    api_key_env: CORP_KEY\n");
    expect(load({ env: { CORP_KEY: "x" } }).providerKeysPresent["CORP_KEY"]).toBe(true);
  });

  it("names a bad environment variable and the value it got", () => {
    const error = loadError({ env: { LOOMCYCLE_SSE_KEEPALIVE_MS: "abc", LOOMCYCLE_DATABASE_URL: "mysql://user:pw@db" } });
    expect(error.message).toContain('LOOMCYCLE_SSE_KEEPALIVE_MS: expected a positive integer, got "abc"');
    expect(error.message).toContain("LOOMCYCLE_DATABASE_URL: expected a URL starting with postgres:// or postgresql://");
    expect(error.message).not.toContain("pw@db");
  });

  it("refuses a listen address without a port", () => {
    expect(loadError({ env: { LOOMCYCLE_LISTEN_ADDR: "localhost" } }).message).toContain('LOOMCYCLE_LISTEN_ADDR: expected host:port');
  });
});
