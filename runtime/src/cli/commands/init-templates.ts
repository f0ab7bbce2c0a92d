/** The loomcycle.yaml `loomcycle init` writes: minimal, commented, loomcycle's keys. */
export const CONFIG_TEMPLATE = `# loomcycle.yaml, written by \`loomcycle init\`.
#
# loomcycle reads the first of ./loomcycle.yaml, $XDG_CONFIG_HOME/loomcycle/loomcycle.yaml and
# ~/.config/loomcycle/loomcycle.yaml (or the file named by --config / LOOMCYCLE_CONFIG_FILE).
# Agents also come from the agents/ directory beside this file: one <name>.md per agent, YAML
# frontmatter plus the system prompt as its body (see agents/default.md).

# Agents defined here overlay the markdown agent of the same name, field by field.
# agents:
#   researcher:
#     description: Looks things up
#     provider: mock
#     model: mock-tools        # plays the script in the run's metadata.mock_script
#     tools: [Context]
#     max_iterations: 8
#     system_prompt: You are a careful researcher.

# Providers: this build ships the mock provider, which needs no key. Real providers (anthropic,
# openai, gemini, deepseek, ollama) come in a later release and read their keys from
# ANTHROPIC_API_KEY, OPENAI_API_KEY, ...; \`loomcycle doctor\` shows which keys are set.
# providers: {}
`;

/** The agents/default.md `loomcycle init` writes: the mock echo agent, ready to edit. */
export const DEFAULT_AGENT_TEMPLATE = `---
name: default
description: Echoes your prompt back (mock provider). Point provider and model at a real model once one is configured.
provider: mock
model: mock-echo
---
You are a helpful assistant.
`;
