"""Language models: one interface, local and OpenAI-compatible providers, routing by task."""
