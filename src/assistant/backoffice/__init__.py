"""What conversations leave behind: the database, requests handed to backends, ledgers, codes, unanswered questions."""
