import { describe, expect, it } from "vitest";
import type { Tool } from "../tools/index.ts";
import { ToolRegistry } from "../tools/index.ts";
import { buildToolPolicy, intersectHosts, selectRunTools } from "./tool-policy.ts";
import type { OperatorSandbox } from "./tool-policy.ts";

const operator: OperatorSandbox = {
  volumes: [
    { name: "work", root: "/srv/work", readOnly: false },
    { name: "docs", root: "/srv/docs", readOnly: true },
  ],
  hostAllowlist: ["*"],
  privateHostAllowlist: ["intranet.local"],
};

function fakeTool(name: string): Tool {
  return { name, description: name, inputSchema: { type: "object" }, execute: () => Promise.resolve({ text: "", is_error: false }) };
}

describe("intersectHosts", () => {
  it("treats * as every public host", () => {
    expect(intersectHosts(["*"], ["a.com"])).toEqual(["a.com"]);
    expect(intersectHosts(["a.com"], ["*"])).toEqual(["a.com"]);
    expect(intersectHosts(["*"], ["*"])).toEqual(["*"]);
  });

  it("keeps the narrower entry when one covers the other, at a dot boundary", () => {
    expect(intersectHosts(["example.com"], ["api.example.com"])).toEqual(["api.example.com"]);
    expect(intersectHosts(["api.example.com"], ["example.com"])).toEqual(["api.example.com"]);
    expect(intersectHosts(["example.com"], ["evilexample.com"])).toEqual([]);
  });

  it("denies everything when either side is empty", () => {
    expect(intersectHosts([], ["a.com"])).toEqual([]);
    expect(intersectHosts(["*"], [])).toEqual([]);
  });

  it("normalizes case and a trailing dot", () => {
    expect(intersectHosts(["A.com."], ["a.COM"])).toEqual(["a.com"]);
  });
});

describe("buildToolPolicy", () => {
  it("grants only the operator volumes the agent names, silently dropping unknown names", () => {
    const policy = buildToolPolicy(operator, { volumes: ["docs", "nope"] }, {});
    expect(policy.volumes.map((volume) => volume.name)).toEqual(["docs"]);
  });

  it("grants no volume to an agent that names none", () => {
    expect(buildToolPolicy(operator, {}, {}).volumes).toEqual([]);
  });

  it("narrows hosts operator ∩ agent ∩ caller and never widens", () => {
    expect(buildToolPolicy(operator, {}, {}).allowedHosts).toEqual(["*"]);
    expect(buildToolPolicy(operator, { allowed_hosts: ["a.com", "b.com"] }, {}).allowedHosts).toEqual(["a.com", "b.com"]);
    expect(buildToolPolicy(operator, { allowed_hosts: ["a.com"] }, { allowed_hosts: ["a.com", "c.com"] }).allowedHosts).toEqual(["a.com"]);
    expect(buildToolPolicy(operator, { allowed_hosts: ["a.com"] }, { allowed_hosts: ["*"] }).allowedHosts).toEqual(["a.com"]);
    expect(buildToolPolicy(operator, {}, { allowed_hosts: [] }).allowedHosts).toEqual([]);
    const closed = { ...operator, hostAllowlist: [] };
    expect(buildToolPolicy(closed, { allowed_hosts: ["a.com"] }, { allowed_hosts: ["a.com"] }).allowedHosts).toEqual([]);
  });

  it("passes the operator's private-host exceptions through", () => {
    expect(buildToolPolicy(operator, {}, {}).privateHosts).toEqual(["intranet.local"]);
  });
});

describe("selectRunTools", () => {
  const registry = new ToolRegistry();
  for (const name of ["Context", "Read", "Write", "Grep"]) registry.register(fakeTool(name));
  const select = (allowlist: readonly string[]): Tool[] => registry.select(allowlist);
  const names = (tools: Tool[]): string[] => tools.map((tool) => tool.name);

  it("gives the agent's tools when the caller sets none", () => {
    expect(names(selectRunTools(select, ["Read", "Context"], undefined))).toEqual(["Context", "Read"]);
  });

  it("intersects with the caller's list, [] meaning no tools", () => {
    expect(names(selectRunTools(select, ["Read", "Write"], ["Write", "Grep"]))).toEqual(["Write"]);
    expect(names(selectRunTools(select, ["*"], []))).toEqual([]);
    expect(names(selectRunTools(select, ["Read"], ["*"]))).toEqual(["Read"]);
  });
});
