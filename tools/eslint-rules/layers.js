// @ts-check
/**
 * loomcycle/layers: the dependency rules of docs/ARCHITECTURE.md, checked on every import.
 *
 * A module of runtime/src belongs to a unit: its first folder (`loop`, `store`…), or for
 * `transports/` its second (`transports/http`). An import that leaves its unit must
 *   1. go through the target unit's `index.ts` (no deep imports), and
 *   2. target a unit the table below allows, either always or for type-only imports.
 * `main.ts` is the composition root and may import everything.
 */
import path from "node:path";

/** unit → { value: units it may import, type: units it may import for types only } */
const ALLOWED = {
  domain: { value: [], type: [] },
  config: { value: ["domain"], type: [] },
  providers: { value: ["domain"], type: [] },
  tools: { value: ["domain"], type: [] },
  store: { value: ["domain"], type: [] },
  queue: { value: ["domain"], type: [] },
  telemetry: { value: ["domain"], type: ["config", "service"] },
  loop: { value: ["domain"], type: ["providers", "tools", "store", "queue"] },
  service: { value: ["domain", "loop"], type: ["store", "queue", "providers", "tools", "config"] },
  "transports/http": { value: ["domain", "service"], type: ["config"] },
  "transports/worker": { value: ["domain", "service"], type: ["queue"] },
  // The MCP server answers with the HTTP contract's documents (transports/http/contract.ts, pure).
  "transports/mcp": { value: ["domain", "service", "transports/http"], type: ["config"] },
  cli: { value: ["domain", "config"], type: ["service", "transports/http"] },
};

/** The unit of a file path relative to runtime/src, or null for main.ts and files outside src. */
function unitOf(relative) {
  const parts = relative.split(path.sep);
  if (parts.length < 2) return null;
  return parts[0] === "transports" ? `${parts[0]}/${parts[1]}` : parts[0];
}

function srcRoot(filename) {
  const marker = `${path.sep}runtime${path.sep}src${path.sep}`;
  const index = filename.lastIndexOf(marker);
  return index < 0 ? null : filename.slice(0, index + marker.length - 1);
}

/** @type {import("eslint").Rule.RuleModule} */
export default {
  meta: {
    type: "problem",
    docs: { description: "Enforce loomcycle's layer table and index-only cross-folder imports" },
    schema: [],
    messages: {
      forbidden: "{{from}} may not import {{to}} (see docs/ARCHITECTURE.md, dependency rules).",
      typeOnly: "{{from}} may import {{to}} for types only: use `import type`.",
      deep: "Import {{to}} through its index.ts, not {{file}}.",
    },
  },
  create(context) {
    const filename = context.filename;
    const root = srcRoot(filename);
    if (root === null) return {};
    const fromUnit = unitOf(path.relative(root, filename));
    if (fromUnit === null) return {};

    function check(node, source, isTypeOnly) {
      if (typeof source !== "string" || !source.startsWith(".")) return;
      const target = path.resolve(path.dirname(filename), source);
      const relative = path.relative(root, target);
      if (relative.startsWith("..")) return;
      const toUnit = unitOf(relative);
      if (toUnit === null || toUnit === fromUnit) return;
      const rules = ALLOWED[fromUnit];
      if (rules === undefined) return;
      const data = { from: fromUnit, to: toUnit, file: relative };
      if (path.basename(target) !== "index.ts" || path.dirname(relative) !== toUnit.split("/").join(path.sep)) {
        context.report({ node, messageId: "deep", data });
        return;
      }
      if (rules.value.includes(toUnit)) return;
      if (rules.type.includes(toUnit)) {
        if (!isTypeOnly) context.report({ node, messageId: "typeOnly", data });
        return;
      }
      context.report({ node, messageId: "forbidden", data });
    }

    return {
      ImportDeclaration(node) {
        const typeOnly = node.importKind === "type" ||
          (node.specifiers.length > 0 && node.specifiers.every((s) => s.type === "ImportSpecifier" && s.importKind === "type"));
        check(node, node.source.value, typeOnly);
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, node.exportKind === "type");
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === "type");
      },
      ImportExpression(node) {
        if (node.source.type === "Literal") check(node, node.source.value, false);
      },
    };
  },
};
