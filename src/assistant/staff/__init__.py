"""What support staff ask of the assistant: lookups, stored conversations and requests, every answer printed."""
