// @ts-check
import { RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import { describe, it } from "vitest";
import layers from "./layers.js";

RuleTester.describe = describe;
RuleTester.it = it;
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });
const src = "/repo/runtime/src";

tester.run("loomcycle/layers", layers, {
  valid: [
    { filename: `${src}/loop/run-loop.ts`, code: 'import { AppError } from "../domain/index.ts";' },
    { filename: `${src}/loop/run-loop.ts`, code: 'import type { ChatModel } from "../providers/index.ts";' },
    { filename: `${src}/loop/run-loop.ts`, code: 'import { type ChatModel } from "../providers/index.ts";' },
    { filename: `${src}/loop/run-loop.ts`, code: 'import { runTurn } from "./run-turn.ts";' },
    { filename: `${src}/transports/http/app.ts`, code: 'import { RunService } from "../../service/index.ts";' },
    { filename: `${src}/main.ts`, code: 'import { createPgliteStore } from "./store/index.ts";' },
  ],
  invalid: [
    { filename: `${src}/transports/http/app.ts`, code: 'import { x } from "../../store/index.ts";', errors: [{ messageId: "forbidden" }] },
    { filename: `${src}/loop/run-loop.ts`, code: 'import { MockChatModel } from "../providers/index.ts";', errors: [{ messageId: "typeOnly" }] },
    { filename: `${src}/service/run-service.ts`, code: 'import { runLoop } from "../loop/run-loop.ts";', errors: [{ messageId: "deep" }] },
    { filename: `${src}/domain/run.ts`, code: 'import { z } from "../config/index.ts";', errors: [{ messageId: "forbidden" }] },
    { filename: `${src}/transports/http/app.ts`, code: 'import { x } from "../worker/index.ts";', errors: [{ messageId: "forbidden" }] },
  ],
});
