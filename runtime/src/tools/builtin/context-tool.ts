import type { Tool, ToolContext, ToolResult } from "../tool.ts";
import { HELP_TOPICS, helpIndex, searchHelp } from "./context/help-corpus.ts";

/** What the Context tool may look up beyond the ToolContext. */
export interface ContextToolOptions {
  /** The calling agent's `skills:` patterns, reported by op=self (absent = not reported). */
  skillPatterns?: (agent: string, tenantId: string) => readonly string[] | undefined;
}

const OPS = ["self", "compact", "help"] as const;

function fail(text: string): ToolResult {
  return { text, is_error: true };
}

function ok(text: string): ToolResult {
  return { text, is_error: false };
}

function self(context: ToolContext, options: ContextToolOptions): ToolResult {
  const report = {
    agent: context.agent,
    agent_id: context.agentId,
    run_id: context.runId,
    session_id: context.sessionId,
    user_id: context.userId,
    tools: context.tools,
    volumes: context.policy.volumes.map((volume) => ({ name: volume.name, root: volume.root, read_only: volume.readOnly })),
    allowed_hosts: context.policy.allowedHosts,
    ...(options.skillPatterns ? { skills: options.skillPatterns(context.agent, context.tenantId) ?? [] } : {}),
  };
  return ok(JSON.stringify(report));
}

/** op=help: a topic's page, the best matches for a query, or the index. */
function help(input: Record<string, unknown>): ToolResult {
  const { topic, query } = input;
  if (typeof topic === "string" && topic.trim() !== "") {
    const page = HELP_TOPICS.find((candidate) => candidate.id === topic.trim().toLowerCase());
    if (page !== undefined) return ok(page.text);
    return fail(`Context: no help topic ${JSON.stringify(topic)}; topics: ${HELP_TOPICS.map((candidate) => candidate.id).join(", ")}`);
  }
  if (typeof query !== "string" || query.trim() === "") return ok(helpIndex());
  const matches = searchHelp(query);
  if (matches.length === 0) return ok(`No help topic matches ${JSON.stringify(query)}.\n\n${helpIndex()}`);
  const sections = matches.map((match) => `## ${match.id}: ${match.title} (score ${match.score})\n${match.excerpt}`);
  return ok([`Best matches for ${JSON.stringify(query)} (Context op=help {topic: <id>} shows the whole page):`, ...sections].join("\n\n"));
}

/**
 * Context: lets an agent look at itself (`op=self`), ask for its own context to be compacted
 * (`op=compact`, honoured before the next model call) and read the built-in help (`op=help`).
 * Read-only and safe to enable by default.
 */
export function createContextTool(options: ContextToolOptions = {}): Tool {
  return {
    name: "Context",
    // self and help read; compact only asks for a compaction at the next boundary.
    idempotent: true,
    description:
      "Introspect the current run. op=self returns the agent, run and session ids, the tools this run may call, " +
      "the volumes the file tools may use, the hosts network tools may reach and the skills patterns. " +
      "op=compact summarizes the earlier conversation before your next turn, to free context. " +
      "op=help shows how the runtime works: {topic} one page, {query} a search, neither the index of topics.",
    inputSchema: {
      type: "object",
      properties: {
        op: { type: "string", enum: [...OPS], description: "`self` reports, `compact` compacts the context, `help` reads the help." },
        topic: { type: "string", description: "help: a topic id from the index, e.g. `skills`." },
        query: { type: "string", description: "help: words to search the help for, e.g. `why was my file write refused`." },
      },
      required: ["op"],
      additionalProperties: false,
    },
    execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
      if (input["op"] === "compact") {
        context.requestCompaction();
        return Promise.resolve(ok("compaction requested: the earlier conversation is summarized before your next turn"));
      }
      if (input["op"] === "self") return Promise.resolve(self(context, options));
      if (input["op"] === "help") return Promise.resolve(help(input));
      return Promise.resolve(fail(`Context: unknown op ${JSON.stringify(input["op"])}; supported: ${OPS.join(", ")}`));
    },
  };
}

/** The Context tool without agent lookups (tests and loops built without the service layer). */
export const contextTool: Tool = createContextTool();
