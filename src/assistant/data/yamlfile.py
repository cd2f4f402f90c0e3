"""Reading YAML while remembering where each mapping and list item starts, so errors name a line."""

from pathlib import Path

import yaml


class Located(dict):
    """A mapping that knows the file and line it was written at."""

    file: str = ""
    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    result = Located(loader.construct_pairs(node, deep=True))
    result.file, result.line = loader.name, node.start_mark.line + 1
    # Block scalars keep their first line so that one phrase of a list can be located too.
    for key_node, value_node in node.value:
        if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
            result[f"__line__{key_node.value}"] = value_node.start_mark.line + 2
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read(path: Path, root: Path | None = None):
    """Parse a YAML file; mappings in it are ``Located``. Raises yaml.YAMLError on bad syntax."""
    text = path.read_text(encoding="utf-8")
    loader = _Loader(text)
    loader.name = str(path.relative_to(root)) if root else str(path)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def line_of(mapping, key: str | None = None) -> int:
    if key is not None and f"__line__{key}" in mapping:
        return mapping[f"__line__{key}"]
    return getattr(mapping, "line", 0)


def plain(data):
    """The parsed YAML without the line bookkeeping: plain dicts and lists."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items() if not str(k).startswith("__line__")}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data
