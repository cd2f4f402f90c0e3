"""How a reply names its source for people: the tenant's document by its title, the section and the
question it cites in the reply's language, and the question's number, as in "eXo Platform FAQ —
Hosting — Q5". Entries cite the seed as it is written (``source:``, in the seed's language); each
tenant's ``sources.yml`` translates what they cite, and ``tenant.yml`` gives the document's title in
each language and, when it is published, its address (knowledge/README.md, "Sources")."""
from dataclasses import dataclass, field


@dataclass
class Citations:
    """What a tenant's entries cite, translated: written in ``language`` (the seed's), each cited
    section with its name in other languages, each cited question (by section) with its text."""
    language: str = ""
    sections: dict[str, dict[str, str]] = field(default_factory=dict)
    questions: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def section(self, cited: str, lang: str) -> str | None:
        """The section's name in ``lang``; None when the data does not translate it."""
        return cited if lang == self.language else self.sections.get(cited, {}).get(lang)

    def question(self, section: str, cited: str, lang: str) -> str | None:
        """The question's text in ``lang``; None when the data does not translate it."""
        return cited if lang == self.language else self.questions.get((section, cited), {}).get(lang)


def read(data: dict | None) -> Citations:
    """``sources.yml`` as plain data (None when the tenant has none): a section or a question is
    found by its text in the seed's language, as entries cite it."""
    data = data or {}
    citations = Citations(data.get("language", ""))
    for section in data.get("sections") or []:
        name = section.get(citations.language, "")
        citations.sections[name] = {k: v for k, v in section.items() if k != "questions"}
        for question in section.get("questions") or []:
            citations.questions[(name, question.get(citations.language, ""))] = dict(question)
    return citations
