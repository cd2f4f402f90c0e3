"""``assistant check``: every rule the data must follow, each problem with its file and line."""

from collections.abc import Collection, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from .. import patterns
from ..text import langdata
from ..text.clean import fold
from . import citations as citations_module
from . import forms as forms_module
from . import intents as intents_module
from . import knowledge, yamlfile
from .forms import Check, FormSet
from .schema import Problem, schema_problems

MIN_EXAMPLES = 8
RESPONSES = (
    "utter_greeting",
    "utter_thanks",
    "utter_goodbye",
    "utter_help",
    "utter_handoff",
    "utter_fallback",
    "utter_clarify",
    "utter_empty",
    "utter_too_long",
    "utter_ask_human_label",
)
# What a form that verifies a slot says (proof.py, and the email of backoffice.code_mail).
VERIFY_RESPONSES = [
    f"utter_verify_{step}" for step in ("sent", "resent", "waiting", "ok", "wrong", "expired", "void", "limit")
] + ["utter_mail_subject_code", "utter_mail_code"]
_PLACEHOLDER = patterns.compile(r"\{([a-z][a-z0-9_]*)(?:\.value)?\}")


def duplicate_ids(root: Path) -> list[Problem]:
    """Entry ids and fact names written twice in one tenant (loading would keep only the last)."""
    problems = []
    for folder in sorted(p for p in (root / "knowledge").iterdir() if p.is_dir()):
        seen: dict[str, tuple[str, int]] = {}
        for path in sorted(folder.glob("*.yml")):
            data = yamlfile.read(path, root) or {}
            names = [(f"entry {e['id']}", e.file, e.line) for e in data.get("entries") or []]
            names += [(f"fact {name}", data.file, data.line) for name in data.get("facts") or {}]
            for name, file, line in names:
                if name in seen:
                    problems.append(
                        Problem(file, line, f"{name} is already defined at {seen[name][0]}:{seen[name][1]}")
                    )
                seen.setdefault(name, (file, line))
    return problems


def tenant_problems(tenant: knowledge.Tenant, forms: FormSet, validators: Mapping) -> list[Problem]:
    problems, meta = [], f"knowledge/{tenant.id}/tenant.yml"
    problems += [
        Problem(meta, 1, f"languages: {lang} has no language data (src/assistant/text/lang/{lang}/)")
        for lang in tenant.languages
        if lang not in langdata.languages()
    ]
    if problems:
        return problems  # the rest reads each language's data
    units = set.intersection(*(set(langdata.load(lang, "units")["units"]) for lang in tenant.languages))
    for fact in tenant.facts.values():
        if fact.unit not in units or (fact.per and fact.per not in units):
            problems.append(Problem(meta, 1, f"fact {fact.name}: unit not declared in every language"))
    for intent, action in tenant.actions.items():
        if intent not in forms.action_intents:
            problems.append(Problem(meta, 1, f"actions: {intent} is not an action intent"))
        elif action and "form" in action and action["form"] not in forms:
            problems.append(Problem(meta, 1, f"actions: {intent}: no form {action['form']!r}"))
        elif action and "entry" in action and action["entry"] not in tenant.entries:
            problems.append(Problem(meta, 1, f"actions: {intent}: no entry {action['entry']!r}"))
    for form, named in tenant.form_checks.items():
        if form not in forms:
            problems.append(Problem(meta, 1, f"forms: no form {form!r} in intents/forms.yml"))
        problems += validator_problems(meta, f"forms: {form}", named, validators)
    problems += citation_problems(tenant)
    for entry in tenant.entries.values():
        problems += entry_problems(entry, tenant)
        proving = (entry.computed or {}).get("form")
        if proving and not (proving in forms and forms[proving].verify):
            problems.append(
                Problem(
                    entry.file, entry.line, f"{entry.id}: computed.form {proving!r} is no form that verifies a slot"
                )
            )
    return problems


def citation_problems(tenant: knowledge.Tenant) -> list[Problem]:
    """What a reply's source shows people (citations.py) exists in each of the tenant's languages:
    the document's title, and the translation of every section and question an entry cites; the
    document's address, if it has one, is a web page."""
    meta, sources = f"knowledge/{tenant.id}/tenant.yml", f"knowledge/{tenant.id}/{knowledge.SOURCES}"
    problems = [
        Problem(meta, 1, f"document_title: no title in {lang}")
        for lang in tenant.languages
        if not tenant.document_title.get(lang)
    ]
    url = tenant.document_url
    if url is not None and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
        problems.append(Problem(meta, 1, f"document_url: {url!r} is not an http or https address"))
    if tenant.citations.language not in tenant.languages:
        problems.append(
            Problem(
                sources,
                1,
                f"language: {tenant.citations.language!r} is not one of the tenant's languages {tenant.languages}",
            )
        )
    return problems + [problem for entry in tenant.entries.values() for problem in untranslated(entry, tenant)]


def untranslated(entry: knowledge.Entry, tenant: knowledge.Tenant) -> list[Problem]:
    """The entry's cited section and question where they have no text in one of the tenant's languages."""
    if citations_module.by_staff(entry):
        return []  # it cites no document
    section, question = entry.source.get("section", ""), entry.source.get("question", "")
    where = f"in knowledge/{tenant.id}/{knowledge.SOURCES}"
    return [
        Problem(entry.file, entry.line, f"{entry.id}: source.{name} {cited!r} has no translation in {lang} {where}")
        for lang in tenant.languages
        for name, cited, shown in (
            ("section", section, tenant.citations.section(section, lang)),
            ("question", question, tenant.citations.question(section, question, lang)),
        )
        if not shown
    ]


def validator_problems(file: str, where: str, named: tuple[Check, ...], validators: Mapping) -> list[Problem]:
    """Each validator the data names is registered (dialogue/validators.py) and given the
    parameters it needs."""
    problems = []
    for check in named:
        if check.name not in validators:
            problems.append(
                Problem(file, 1, f"{where}: no validator {check.name!r} (registered: {', '.join(sorted(validators))})")
            )
            continue
        problems += [
            Problem(file, 1, f"{where}: validator {check.name} needs parameter {p!r}")
            for p in validators[check.name].required
            if p not in check.params
        ]
    return problems


def form_problems(forms: FormSet, validators: Mapping) -> list[Problem]:
    """A form verifies one of its own required slots, uses declared slots, names registered
    validators, and, if it submits, says who is told; two forms do not share a prefix."""
    file, problems = "intents/forms.yml", []
    for name, form in forms.forms.items():
        if form.verify and form.verify not in form.required:
            problems.append(Problem(file, 1, f"forms: {name}: verify names {form.verify!r}, not a required slot"))
        problems += [
            Problem(file, 1, f"forms: {name}: no slot {slot!r} under slots")
            for slot in form.slots
            if slot not in forms.slots
        ]
        if form.submits and not form.notify:
            problems.append(Problem(file, 1, f"forms: {name}: a form that submits says who is told (notify)"))
        problems += validator_problems(file, f"forms: {name}", form.validate, validators)
    prefixes = [f.reference_prefix for f in forms.submitting()]
    problems += [
        Problem(file, 1, f"forms: reference prefix {p!r} is used twice")
        for p in sorted(set(prefixes))
        if prefixes.count(p) > 1
    ]
    return problems


def entry_problems(entry: knowledge.Entry, tenant: knowledge.Tenant) -> list[Problem]:
    where = lambda message, warning=False: Problem(entry.file, entry.line, f"{entry.id}: {message}", warning)  # noqa: E731
    # An entry not yet translated is answered in the language it has (a warning); a text in a
    # language the tenant does not speak is never read (an error).
    problems = [
        where(f"no {part} in {lang} yet: visitors writing {lang} get it in another language", True)
        for lang in tenant.languages
        for part in ("question", "answer")
        if not getattr(entry, part).get(lang)
    ]
    problems += [
        where(f"{part} in {lang}, which is not one of the tenant's languages {tenant.languages}")
        for part in ("question", "answer")
        for lang in getattr(entry, part)
        if lang not in tenant.languages
    ]
    if set(entry.question) != set(entry.answer):
        problems.append(where("question and answer must be written in the same languages"))
    problems += [where(f"related entry {r!r} does not exist") for r in entry.related if r not in tenant.entries]
    texts = list(entry.answer.values()) + _computed_texts(entry)
    computed_names = _computed_placeholders(entry)
    for name in {n for text in texts for n in _PLACEHOLDER.findall(text)}:
        if name not in tenant.facts and name not in computed_names:
            problems.append(where(f"placeholder {{{name}}} names no fact"))
    fact = (entry.computed or {}).get("fact")
    if fact and fact not in tenant.facts:
        problems.append(where(f"computed.fact {fact!r} names no fact"))
    problems += [
        where(f"no computed.{key} in {lang}")
        for key in COMPUTED_TEXTS
        if key in (entry.computed or {})
        for lang in tenant.languages
        if not entry.computed[key].get(lang)
    ]
    return problems


COMPUTED_TEXTS = ("reply", "reply_past")  # a computed block's templates


def _computed_texts(entry: knowledge.Entry) -> list[str]:
    block = entry.computed or {}
    return [text for key in COMPUTED_TEXTS for text in block.get(key, {}).values()]


def _computed_placeholders(entry: knowledge.Entry) -> set[str]:
    return {n for text in _computed_texts(entry) for n in _PLACEHOLDER.findall(text)}


def intent_problems(
    tenants: dict[str, knowledge.Tenant], data: intents_module.IntentData, actions: Collection[str]
) -> list[Problem]:
    """Each phrasing is of an intent its scope knows: a common intent or a form's (``actions``)
    for the common phrasings; an entry, out_of_scope or a form's for a tenant's."""
    problems = []
    for scope in [intents_module.COMMON, *tenants]:
        known = (
            {*intents_module.COMMON_INTENTS, *actions}
            if scope == intents_module.COMMON
            else {*tenants[scope].entries, *intents_module.COMMON_INTENTS, *actions}
        )
        unknown = {}
        for e in data.for_scope(scope):
            if e.intent not in known:
                unknown.setdefault((e.file, e.intent), e.line)
        problems += [
            Problem(file, line - 2, f"intent {intent!r} answers nothing in {scope}")
            for (file, intent), line in unknown.items()
        ]
    for tenant in tenants.values():
        counts = {}
        for e in data.for_scope(tenant.id):
            counts[(e.intent, e.lang)] = counts.get((e.intent, e.lang), 0) + 1
        for entry in tenant.entries.values():
            for lang in tenant.languages:
                if counts.get((entry.id, lang), 0) < MIN_EXAMPLES:
                    problems.append(
                        Problem(
                            entry.file,
                            entry.line,
                            f"{entry.id}: fewer than {MIN_EXAMPLES} training phrases in {lang}: "
                            "other wordings of visitors may not find it",
                            True,
                        )
                    )
        problems += shared_phrases(data.for_scope(intents_module.COMMON) + data.for_scope(tenant.id))
    return problems


def shared_phrases(examples: list[intents_module.Example]) -> list[Problem]:
    seen: dict[tuple[str, str], intents_module.Example] = {}
    problems = []
    for e in examples:
        key = (e.lang, " ".join(patterns.compile(r"\w+").findall(fold(e.text))) or fold(e.text))
        first = seen.setdefault(key, e)
        if first.intent != e.intent:
            problems.append(
                Problem(e.file, e.line, f"phrase {e.text!r} is also under {first.intent} ({first.file}:{first.line})")
            )
    return problems


def response_problems(
    data: intents_module.IntentData, forms: FormSet, topics: set[str], languages: Collection[str]
) -> list[Problem]:
    """Every response the assistant may say exists in each language a tenant speaks."""
    needed = list(RESPONSES) + [f"utter_ask_{form.name}_{form.required[0]}" for form in forms.forms.values()]
    needed += [f"utter_{what}_{form.name}" for form in forms.submitting() for what in ("done", "mail_subject")]
    needed += [f"utter_topic_{topic}" for topic in sorted(topics)]  # what utter_help lists
    if any(form.verify for form in forms.forms.values()):
        needed += VERIFY_RESPONSES
    return [
        Problem(f"intents/common/{lang}/responses.yml", 1, f"missing response {key}")
        for lang in languages
        for key in needed
        if key not in data.responses.get(lang, {})
    ]


def bare_answer(text: str, lang: str) -> str | None:
    """The yes or no an answer opens with (the language's ``bare_answers``), if it does."""
    folded = fold(text).lstrip(" «\"'(")
    for opener in langdata.load(lang, "language").get("bare_answers") or []:
        word = fold(opener)
        if folded.startswith(word) and not folded[len(word) : len(word) + 1].isalnum():
            return opener
    return None


def check_warnings(root: Path) -> list[Problem]:
    """What reads badly without breaking anything: an answer that opens with a bare yes or no."""
    return [
        Problem(
            entry.file,
            entry.line,
            f"{entry.id}: the {lang} answer opens with {opener!r}, which answers "
            f"the FAQ's question as it is asked there: lead with the fact",
            True,
        )
        for tenant in knowledge.load(root).values()
        for entry in tenant.entries.values()
        for lang, text in entry.answer.items()
        if (opener := bare_answer(text, lang))
    ]


def unknown_functions(tenants: dict[str, knowledge.Tenant], functions: Collection[str]) -> list[Problem]:
    """Computed answers that name no function of ``functions`` (the dialogue's registry)."""
    return [
        Problem(entry.file, entry.line, f"{entry.id}: unknown computed function {entry.computed['function']!r}")
        for tenant in tenants.values()
        for entry in tenant.entries.values()
        if entry.computed and entry.computed["function"] not in functions
    ]


def errors(problems: list[Problem]) -> list[Problem]:
    """The problems that make the data invalid (warnings aside)."""
    return [p for p in problems if not p.warning]


def check_project(root: Path, functions: Collection[str], validators: Mapping) -> list[Problem]:
    """Every problem of the project's data, warnings included (``errors`` keeps the others);
    ``functions``: the names computed answers may use; ``validators``: the forms' validators by
    name, each with the parameters it ``required`` (the dialogue's registries)."""
    problems = schema_problems(root)
    if problems:
        return problems  # the rest reads the files as the schema describes them
    problems = duplicate_ids(root)
    tenants = knowledge.load(root)
    data = intents_module.load(root)
    forms = forms_module.load(root)
    for tenant in tenants.values():
        problems += tenant_problems(tenant, forms, validators)
    topics = {entry.topic for tenant in tenants.values() for entry in tenant.entries.values()}
    languages = sorted({lang for tenant in tenants.values() for lang in tenant.languages} & set(langdata.languages()))
    problems += unknown_functions(tenants, functions) + form_problems(forms, validators)
    problems += intent_problems(tenants, data, forms.action_intents) + response_problems(data, forms, topics, languages)
    return list(dict.fromkeys(problems))  # common phrases are checked with each tenant: report once
