"""From a matched message to a reply: the policy, answers, computed answers, forms, slots and sessions."""
