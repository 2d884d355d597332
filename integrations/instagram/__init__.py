"""Instagram direct messages (Meta's Instagram messaging). Protocol in graph.py, the guided
conversation (shared with WhatsApp: integrations.guided) in conversation.py."""
