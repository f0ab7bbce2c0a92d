import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, describe, expect, it } from "vitest";
import { contextTool } from "../tools/index.ts";
import { loopInput, scripted } from "../../test/support/loop-fixtures.ts";
import { runLoop } from "./run-loop.ts";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

afterAll(async () => {
  await provider.shutdown();
});

describe("runLoop tracing", () => {
  it("records spans run → iteration → provider call and tool call", async () => {
    const { model, metadata } = scripted([{ tool: "Context", input: { op: "self" } }, { text: "done" }]);
    await runLoop(loopInput({ model, metadata, tools: [contextTool] }));
    const spans = exporter.getFinishedSpans();
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    const parentName = (name: string): string[] =>
      spans.filter((span) => span.name === name).map((span) => byId.get(span.parentSpanContext?.spanId ?? "")?.name ?? "(root)");

    expect(parentName("loomcycle.run")).toEqual(["(root)"]);
    expect(parentName("loomcycle.iteration")).toEqual(["loomcycle.run", "loomcycle.run"]);
    expect(parentName("loomcycle.provider.call")).toEqual(["loomcycle.iteration", "loomcycle.iteration"]);
    expect(parentName("loomcycle.tool.call")).toEqual(["loomcycle.iteration"]);
    const run = spans.find((span) => span.name === "loomcycle.run");
    expect(run?.attributes).toMatchObject({ "loomcycle.run_id": "run_1", "loomcycle.stop_reason": "end_turn" });
    const tool = spans.find((span) => span.name === "loomcycle.tool.call");
    expect(tool?.attributes).toMatchObject({ "loomcycle.tool": "Context", "loomcycle.tool_is_error": false });
  });
});
