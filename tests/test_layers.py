"""The package's folders are the stages of a message, in layers: a module imports only from its own
layer or the layers below it, so each folder can be read without the ones above."""

import ast
from pathlib import Path

import assistant

PACKAGE = Path(assistant.__file__).parent
# Bottom to top. Top-level modules are the shared contract (errors, reply, settings, paths,
# jsoncodec), except the core that puts the stages together and the bundle it runs on.
LAYERS = [
    "shared", "kernels", "text", "data", "backoffice", "nlu", "dialogue", "staff", "core", "curation", "channels",
    "cluster",  # the reference cluster runs the channels' server: nothing below imports it
]  # fmt: skip
CORE = {"core", "bundle"}


def layer_of(module: str) -> str:
    """The layer of a dotted module name under ``assistant``."""
    parts = module.split(".")[1:]
    if not parts:
        return "shared"
    if len(parts) == 1 and not (PACKAGE / parts[0]).is_dir():
        return "core" if parts[0] in CORE else "shared"
    return parts[0] if parts[0] in LAYERS else "shared"


def imports(path: Path) -> list[str]:
    """The modules of the package that a file imports, as absolute dotted names."""
    module = ["assistant", *path.relative_to(PACKAGE).with_suffix("").parts]
    package = module[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found += [f"{target}.{alias.name}" if not node.module else target for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assistant"):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("assistant")]
    return found


def test_no_module_imports_from_a_layer_above_its_own():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "__init__.py":
            continue  # the package's public face: ``from assistant import Assistant``
        here = layer_of(".".join(["assistant", *path.relative_to(PACKAGE).with_suffix("").parts]))
        for target in imports(path):
            there = layer_of(target)
            if LAYERS.index(there) > LAYERS.index(here):
                upward.append(f"{path.relative_to(PACKAGE)} ({here}) imports {target} ({there})")
    assert upward == []


def test_every_folder_of_the_package_is_a_layer():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders <= set(LAYERS)
