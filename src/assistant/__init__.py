"""assistant: a bilingual (French/English) FAQ and procurement assistant for software vendors.

from assistant import Assistant
assistant = Assistant.load()
assistant.reply("exo", None, "combien coûte le renouvellement ?").to_dict()
"""

from .core import Assistant
from .errors import AssistantError, MessageTooLong, UnknownTenant
from .reply import Action, Reply, Source

__all__ = ["Assistant", "AssistantError", "MessageTooLong", "UnknownTenant", "Reply", "Action", "Source"]
__version__ = "0.1.0"
