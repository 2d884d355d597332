"""WhatsApp channel (Meta WhatsApp Business Cloud API). Protocol in cloud.py, the guided
conversation in conversation.py."""
