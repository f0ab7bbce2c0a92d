import { NAME_IMMUTABLE } from "./kind-info.ts";
import type { KindInfo } from "./kind-info.ts";

/** MemoryBackend: where the Memory tool keeps an agent's memory (in-process, or a remote service). */
export const MEMORY_BACKEND: KindInfo = {
  kind: "MemoryBackend",
  plural: "memorybackends",
  singular: "memorybackend",
  definitionKind: "memorybackend",
  description: "A loomcycle memory backend: in-process, or a remote memory service. The spec is the runtime's memorybackend definition.",
  rules: [
    NAME_IMMUTABLE,
    {
      rule: "self.kind != 'remote' || (has(self.config) && has(self.config.base_url))",
      message: "a remote backend needs config.base_url",
      fieldPath: ".config",
      reason: "FieldValueRequired",
    },
  ],
};
